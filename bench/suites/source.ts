/**
 * The producer alone: all 8,810 real records from the local RappelConso API to Kafka in a child
 * process (`recall produce`, as a Job runs it), then a run with nothing new. Figures: wall time of
 * the process, its own run time, records per second and its peak RSS.
 */
import { startRecallApi } from '../../src/local-explore-api/recall-api.ts';
import { deadLetterTopic } from '../../contract/pipeline-defaults.ts';
import { connectionFor } from '../../test/infra/connection.ts';
import { createCheckpointSchema } from '../../test/integration/checkpoint-schema.ts';
import { deleteTopics } from '../../test/integration/read-topic.ts';
import { runRecallInChild } from '../recall-child.ts';
import { seconds, table, type BenchSuite } from '../suite.ts';
import { RAPPELCONSO0_RECORDS } from '../../test/real-data.ts';

const RECORDS_FILE = RAPPELCONSO0_RECORDS;

async function produceInChild(args: readonly string[], env: NodeJS.ProcessEnv) {
  const run = await runRecallInChild(['produce', ...args], env);
  return { ...run, summary: run.stdout };
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
