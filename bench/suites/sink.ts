/**
 * The sink's throughput, in one run on this machine: the consumer process loading the 8,810 real
 * records from Kafka into an empty table; a plain COPY of the same final rows (the floor no write
 * path can beat); and the write paths on their own: COPY + merge (the consumer's), multi-row
 * VALUES, and one INSERT per row.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { copyUpsert } from '../../src/postgres/copy-upsert.ts';
import { migrate } from '../../src/postgres/migrate.ts';
import type { RowWriter } from '../../src/postgres/recall-upsert.ts';
import { tableName } from '../../src/postgres/table-name.ts';
import { valuesUpsert } from '../../src/postgres/values-upsert.ts';
import { latestPerKey } from '../../src/transform/latest-rows.ts';
import type { RecallRow } from '../../src/transform/recall-row.ts';
import { toRecallRow } from '../../src/transform/to-recall-row.ts';
import {
  connectedPostgres,
  createRecallTopics,
  deleteRecallTopics,
  dropRecallTable,
  kafkaClient,
  kafkaMessage,
  publish,
  realRecords,
  recallRevision,
  sinkConnections,
  uniqueName,
} from '../../test/integration/recall-topic-fixture.ts';
import { copyFloorMs } from '../copy-floor.ts';
import { seconds, table as markdownTable, type BenchSuite } from '../suite.ts';

/** Rows per transaction for the write paths: about what one consumer batch holds. */
const BATCH = 1000;

function perSecond(count: number, milliseconds: number): string {
  return `${Math.round(count / (milliseconds / 1000)).toLocaleString('en')} rows/s`;
}

/** The peak resident set so far of a running process (Linux), in MiB. */
function peakRssMiB(pid: number): number | undefined {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : undefined;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function inBatches(
  db: pg.Client,
  rows: readonly RecallRow[],
  write: (batch: readonly RecallRow[]) => Promise<void>,
) {
  for (let start = 0; start < rows.length; start += BATCH) {
    await db.query('BEGIN');
    await write(rows.slice(start, start + BATCH));
    await db.query('COMMIT');
  }
}

export const sinkSuite: BenchSuite = {
  name: 'sink',
  description: 'consumer load of the 8,810 real records; COPY floor; bulk upsert vs one INSERT per row',

  async run(print) {
    const connections = await sinkConnections();
    const kafka = kafkaClient(connections.kafka);
    const admin = kafka.admin();
    await admin.connect();
    const db = await connectedPostgres(connections.postgres);
    const topic = uniqueName('bench-sink', '-');
    const tables: string[] = [];
    const emptyTable = async () => {
      const name = uniqueName('bench_sink');
      tables.push(name);
      await migrate(db, tableName(name));
      return tableName(name);
    };
    try {
      const messages = realRecords().map((raw) => recallRevision(raw));
      const rows = latestPerKey(messages.map(toRecallRow), 'reference_fiche');
      await createRecallTopics(admin, topic);
      await publish(kafka, topic, messages.map(kafkaMessage));

      // The consumer as a Job runs it: a process, from start to exit once caught up.
      const consumerTable = await emptyTable();
      const child = spawn(
        process.execPath,
        [
          '--disable-warning=TimeoutNegativeWarning',
          'bin/recall.ts',
          'consume',
          '--pipeline',
          uniqueName('bench-sink', '-'),
          '--topic',
          topic,
          '--table',
          consumerTable.name,
          '--until-caught-up',
        ],
        { env: { ...connections.env, RECALL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let summary = '';
      child.stdout.on('data', (chunk: Buffer) => (summary += chunk.toString()));
      const exited = once(child, 'exit');
      const started = performance.now();
      let firstRowAt: number | undefined;
      let peak = 0;
      let running = true;
      void exited.then(() => (running = false));
      while (running) {
        peak = Math.max(peak, peakRssMiB(child.pid!) ?? 0);
        if (firstRowAt === undefined) {
          const { rows: count } = await db.query<{ any: boolean }>(
            `SELECT EXISTS (SELECT FROM ${consumerTable.sql}) AS any`,
          );
          if (count[0]!.any) firstRowAt = performance.now();
        }
        await sleep(25);
      }
      const wall = performance.now() - started;
      const [code] = (await exited) as [number | null];
      if (code !== 0) throw new Error(`the consumer exited with ${code}`);
      const loading = performance.now() - (firstRowAt ?? started);

      const floorTable = await emptyTable();
      const floor = await copyFloorMs(db, floorTable.sql, rows);

      // Each write path on the same final rows into an empty table, in consumer-sized transactions;
      // the last one is the naive consumer: one statement per row, each committed on its own.
      const writers: [label: string, writer: RowWriter, transactionRows: number | undefined][] = [
        [`COPY into staging + one INSERT … ON CONFLICT (chosen), ${BATCH}-row transactions`, copyUpsert, BATCH],
        [`multi-row INSERT … VALUES … ON CONFLICT, ${BATCH}-row transactions`, valuesUpsert(), BATCH],
        [`one INSERT … ON CONFLICT per row (prepared), ${BATCH}-row transactions`, valuesUpsert(1), BATCH],
        ['one INSERT … ON CONFLICT per row (prepared), each its own transaction', valuesUpsert(1), undefined],
      ];
      const timings: number[] = [];
      for (const [, writer, transactionRows] of writers) {
        const target = await emptyTable();
        timings.push(
          await timed(async () => {
            if (transactionRows === undefined) await writer(db, target, rows);
            else await inBatches(db, rows, async (batch) => void (await writer(db, target, batch)));
          }),
        );
      }
      const replayTarget = await emptyTable();
      await inBatches(db, rows, async (batch) => void (await copyUpsert(db, replayTarget, batch)));
      const replay = await timed(() =>
        inBatches(db, rows, async (batch) => void (await copyUpsert(db, replayTarget, batch))),
      );

      print(`consumer process (${messages.length} messages, 3 partitions, into an empty table): ${summary.trim()}`);
      for (const line of markdownTable(
        ['measure', 'time', 'throughput', 'vs COPY floor'],
        [
          [
            'consumer, process start to exit',
            seconds(wall),
            perSecond(messages.length, wall),
            `${(wall / floor).toFixed(1)}×`,
          ],
          [
            'consumer, first row to exit',
            seconds(loading),
            perSecond(messages.length, loading),
            `${(loading / floor).toFixed(1)}×`,
          ],
          ['plain COPY of the final rows (floor)', seconds(floor), perSecond(rows.length, floor), '1.0×'],
          ...writers.map(([label], index) => [
            label,
            seconds(timings[index]!),
            perSecond(rows.length, timings[index]!),
            `${(timings[index]! / floor).toFixed(1)}×`,
          ]),
          [
            'replay onto the full table (chosen path, nothing changes)',
            seconds(replay),
            perSecond(rows.length, replay),
            `${(replay / floor).toFixed(1)}×`,
          ],
        ],
      ))
        print(line);
      print('');
      print(`consumer peak RSS: ${peak.toFixed(0)} MiB`);
      print(
        `chosen bulk path vs one INSERT per row, same transactions: ${(timings[2]! / timings[0]!).toFixed(1)}× faster`,
      );
      print(
        `chosen bulk path vs one INSERT per row, one commit each: ${(timings[3]! / timings[0]!).toFixed(1)}× faster`,
      );
      print(
        `multi-row VALUES vs one INSERT per row, same transactions: ${(timings[2]! / timings[1]!).toFixed(1)}× faster`,
      );
      print(`chosen bulk path vs multi-row VALUES: ${(timings[1]! / timings[0]!).toFixed(2)}× faster`);
    } finally {
      await deleteRecallTopics(admin, topic);
      for (const name of tables) await dropRecallTable(db, name);
      await admin.disconnect();
      await db.end();
    }
  },
};
