/**
 * The producer alone: all 8,810 real records from the local RappelConso API to Kafka in a child
 * process (`recall produce`, as a Job runs it), then a run with nothing new. Figures: wall time of
 * the process, its own run time, records per second and its peak RSS.
 */
import { spawn } from 'node:child_process';
import { startRecallApi } from '../../src/api-server/recall-api.ts';
import { deadLetterTopic } from '../../src/pipeline-defaults.ts';
import { connectionFor } from '../../test/infra/connection.ts';
import { createCheckpointSchema } from '../../test/integration/checkpoint-schema.ts';
import { deleteTopics } from '../../test/integration/read-topic.ts';
import { seconds, table, type BenchSuite } from '../suite.ts';
import { RAPPELCONSO0_RECORDS } from '../../test/real-data.ts';

const RECORDS_FILE = RAPPELCONSO0_RECORDS;

/** Preloaded into the child: its peak RSS, as the kernel counted it, on stderr at exit. */
const REPORT_MAX_RSS =
  'data:text/javascript,process.on("exit",()=>process.stderr.write(`max-rss-kib ${process.resourceUsage().maxRSS}\\n`))';

interface ChildRun {
  wallMs: number;
  summary: string;
  maxRssMiB: number;
}

async function produceInChild(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', '--import', REPORT_MAX_RSS, 'src/cli/recall.ts', 'produce', ...args],
    { env },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`recall produce exited with ${code}: ${stderr.slice(-2000)}`);
  const rss = /max-rss-kib (\d+)/.exec(stderr);
  return { wallMs, summary: stdout.trim(), maxRssMiB: Number(rss?.[1] ?? NaN) / 1024 };
}

function runSeconds(summary: string): number {
  return Number(/, ([\d.]+) s\)$/.exec(summary)?.[1] ?? NaN) * 1000;
}

export const sourceSuite: BenchSuite = {
  name: 'source',
  description: 'producer alone: 8,810 real records from the local API to Kafka, then a run with nothing new',

  async run(print) {
    const kafka = await connectionFor('kafka');
    const brokers = kafka.KAFKA_BROKERS!.split(',');
    const schema = await createCheckpointSchema('bench_source');
    const api = await startRecallApi({ dataFile: RECORDS_FILE });
    const topic = `bench-source-${process.pid}-${Date.now()}`;
    const env = { ...process.env, ...kafka, ...schema.env, RECALL_LOG_LEVEL: 'warn' };
    const args = ['--pipeline', 'bench', '--api-url', api.url, '--topic', topic];
    try {
      const full = await produceInChild(args, env);
      const nothingNew = await produceInChild(args, env);
      const rows = [
        [
          'full (8,810 records)',
          seconds(full.wallMs),
          seconds(runSeconds(full.summary)),
          `${Math.round(8810 / (full.wallMs / 1000))}`,
          `${Math.round(8810 / (runSeconds(full.summary) / 1000))}`,
          `${full.maxRssMiB.toFixed(0)} MiB`,
        ],
        [
          'nothing new',
          seconds(nothingNew.wallMs),
          seconds(runSeconds(nothingNew.summary)),
          '-',
          '-',
          `${nothingNew.maxRssMiB.toFixed(0)} MiB`,
        ],
      ];
      for (const line of table(
        ['run', 'process wall time', 'run time (in process)', 'records/s (wall)', 'records/s (run)', 'peak RSS'],
        rows,
      ))
        print(line);
      print('');
      print(`full: ${full.summary}`);
      print(`nothing new: ${nothingNew.summary}`);
    } finally {
      await api.close();
      await deleteTopics(brokers, [topic, deadLetterTopic(topic)]);
      await schema.drop();
    }
  },
};
