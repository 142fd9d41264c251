/**
 * Memory of the two Job commands, each in its own child process as a Kubernetes Job runs it:
 * `recall produce` (local API → Kafka) and then `recall consume --until-caught-up` (Kafka →
 * PostgreSQL), at 1×, 10× and 30× the 8,810 real records, both as the image runs them (the bundle
 * `npm run build` writes, IMAGE_RECALL_ENTRYPOINT) and from the TypeScript source. Peak RSS is the
 * kernel's count (process.resourceUsage), wall time runs from spawn to exit, start-up from the
 * process's start to its first outbound connection. The larger inputs are written at run time into
 * a temporary folder: copy k > 0 of each record has `-x<k>` appended to reference_fiche (the
 * table's key and the message key) and to rappelguid (with the reference, the producer's record
 * identity, src/producer/checkpoint.ts, and the sheets table's record id), so every copy is a new
 * recall. Beside them, the peak RSS of `recall <command> --help`: module loading alone.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consumerGroupId } from '../../src/consumer/consumer-group.ts';
import { JOB_NODE_FLAGS } from '../../charts/pipeline-pod.ts';
import { IMAGE_ENV, IMAGE_RECALL_ENTRYPOINT } from '../../contract/pipeline-defaults.ts';
import {
  connectedPostgres,
  deleteRecallTopics,
  dropRecallTable,
  kafkaClient,
  sinkConnections,
  uniqueName,
} from '../../test/integration/recall-topic-fixture.ts';
import { RAPPELCONSO0_RECORDS } from '../../test/real-data.ts';
import { runRecallInChild, type ChildOptions, type ChildRun } from '../recall-child.ts';
import { seconds, table, type BenchSuite } from '../suite.ts';

const SIZES = [1, 10, 30] as const;
const TARGET_MIB = 150;
/** The largest size's peak may exceed the 1×'s by this much at most. */
const TARGET_GROWTH = 0.1;

interface Entry extends ChildOptions {
  readonly name: string;
}

const ENTRIES: readonly Entry[] = [
  {
    name: `as the Jobs run it (${Object.entries(IMAGE_ENV)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')} node ${JOB_NODE_FLAGS.join(' ')} ${IMAGE_RECALL_ENTRYPOINT})`,
    entry: IMAGE_RECALL_ENTRYPOINT,
    nodeArgs: JOB_NODE_FLAGS,
    env: IMAGE_ENV,
  },
  { name: 'TypeScript source, Node defaults (how the Jobs ran it before)', entry: 'bin/recall.ts' },
];

/** The real records `times` times over, as JSONL in `dir`; copy 0 is the real file's lines unchanged. */
async function writeCopies(dir: string, times: number): Promise<{ file: string; records: number }> {
  const lines = fs
    .readFileSync(RAPPELCONSO0_RECORDS, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const file = path.join(dir, `records-${times}x.jsonl`);
  const out = fs.createWriteStream(file);
  for (let copy = 0; copy < times; copy += 1) {
    const chunk = lines.map((line) => {
      if (copy === 0) return `${line}\n`;
      const record = JSON.parse(line) as Record<string, unknown>;
      for (const field of ['reference_fiche', 'rappelguid']) {
        if (typeof record[field] === 'string') record[field] = `${record[field]}-x${copy}`;
      }
      return `${JSON.stringify(record)}\n`;
    });
    if (!out.write(chunk.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { file, records: lines.length * times };
}

interface ApiChild {
  url: string;
  stop(): Promise<void>;
}

/** `recall api --data FILE --port 0` as a child. */
async function startApi(file: string, env: NodeJS.ProcessEnv): Promise<ApiChild> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['bin/recall.ts', 'api', '--data', file, '--port', '0'],
    { env: { ...env, RECALL_LOG_LEVEL: 'warn' } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(http\S+)\n/.exec(stdout);
      if (line) resolve(line[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the API exited with ${code} before serving: ${stderr.slice(-2000)}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function mib(value: number): string {
  return `${value.toFixed(0)} MiB`;
}

function startup(run: ChildRun): string {
  return run.firstConnectMs === undefined ? '-' : seconds(run.firstConnectMs);
}

function expectLine(stdout: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(stdout);
  if (match === null) throw new Error(`${what}: unexpected output:\n${stdout}`);
  return Number(match[1]);
}

export const memorySuite: BenchSuite = {
  name: 'memory',
  description: `peak RSS and wall time of recall produce and recall consume (child processes) at ${SIZES.join('×, ')}× the real records`,

  async run(print) {
    execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
    const connections = await sinkConnections();
    const { env } = connections;
    const db = await connectedPostgres(connections.postgres);
    const admin = kafkaClient(connections.kafka).admin();
    await admin.connect();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-bench-memory-'));
    const runs: {
      entry: Entry;
      times: number;
      records: number;
      rows: number;
      produce: ChildRun;
      consume: ChildRun;
    }[] = [];
    const help = new Map<string, ChildRun>();
    try {
      for (const entry of ENTRIES) {
        for (const command of ['produce', 'consume']) {
          help.set(`${entry.name}|${command}`, await runRecallInChild([command, '--help'], env, entry));
        }
      }
      for (const times of SIZES) {
        const input = times === 1 ? { file: RAPPELCONSO0_RECORDS, records: 8810 } : await writeCopies(dir, times);
        const api = await startApi(input.file, env);
        try {
          for (const entry of ENTRIES) {
            const pipeline = uniqueName('bench-memory', '-');
            const tableName = uniqueName('bench_memory');
            try {
              const produce = await runRecallInChild(
                ['produce', '--pipeline', pipeline, '--api-url', api.url, '--topic', pipeline],
                env,
                entry,
              );
              const sent = expectLine(produce.stdout, /, sent (\d+),/, 'recall produce');
              const consume = await runRecallInChild(
                ['consume', '--pipeline', pipeline, '--topic', pipeline, '--table', tableName, '--until-caught-up'],
                env,
                entry,
              );
              const consumed = expectLine(consume.stdout, /^consumed=(\d+) /m, 'recall consume');
              const rows = expectLine(consume.stdout, /table-rows=(\d+)/, 'recall consume');
              if (sent !== consumed) {
                throw new Error(`${entry.name}, ${times}×: the producer sent ${sent}, the consumer read ${consumed}`);
              }
              runs.push({ entry, times, records: input.records, rows, produce, consume });
            } finally {
              await dropRecallTable(db, tableName);
              await db.query('DELETE FROM producer_checkpoints WHERE pipeline = $1', [pipeline]).catch(() => undefined);
              await deleteRecallTopics(admin, pipeline);
              await admin.deleteGroups([consumerGroupId(pipeline)]).catch(() => undefined);
            }
          }
        } finally {
          await api.stop();
          if (input.file !== RAPPELCONSO0_RECORDS) fs.rmSync(input.file, { force: true });
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await admin.disconnect();
      await db.end();
    }

    const rows: string[][] = [];
    for (const command of ['produce', 'consume'] as const) {
      for (const entry of ENTRIES) {
        const mine = runs.filter((run) => run.entry === entry);
        const base = mine[0]![command].maxRssMiB;
        for (const run of mine) {
          const child = run[command];
          const growth = child.maxRssMiB / base - 1;
          const meets = child.maxRssMiB < TARGET_MIB && (run.times === 1 || growth <= TARGET_GROWTH);
          rows.push([
            `recall ${command}`,
            entry.name,
            `${run.times}× (${run.records.toLocaleString('en')} records${command === 'consume' ? `, ${run.rows.toLocaleString('en')} rows` : ''})`,
            mib(child.maxRssMiB),
            run.times === 1 ? '-' : `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(0)} %`,
            meets ? 'yes' : 'no',
            seconds(child.wallMs),
            `${Math.round(run.records / (child.wallMs / 1000)).toLocaleString('en')} records/s`,
            seconds(child.cpuMs),
            startup(child),
          ]);
        }
      }
    }
    for (const line of table(
      [
        'command',
        'run as',
        'input',
        'peak RSS',
        'vs 1×',
        `target met (< ${TARGET_MIB} MiB; ≤ +${TARGET_GROWTH * 100} % vs 1×)`,
        'wall time',
        'throughput',
        'CPU time',
        'start-up (to first connection)',
      ],
      rows,
    ))
      print(line);
    print('');
    print('module loading alone (`recall <command> --help`):');
    for (const entry of ENTRIES) {
      const peak = (command: string) => mib(help.get(`${entry.name}|${command}`)!.maxRssMiB);
      print(`- ${entry.name}: produce ${peak('produce')}, consume ${peak('consume')}`);
    }
  },
};
