/**
 * The consumer as a process, killed with SIGKILL in the middle of the 8,810-record load and started
 * again: offsets are committed only after the rows, so the restart redoes at most the batch in
 * flight, and the upsert makes that harmless.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerGroupId } from '../../src/consumer/consumer-group.ts';
import { groupLag } from '../../src/consumer/group-lag.ts';
import { StopWaiting, until } from '../until.ts';
import {
  dropRecallTable,
  kafkaMessage,
  publish,
  realRecords,
  recallRevision,
  uniqueName,
  useSinkTestBed,
} from './recall-topic-fixture.ts';

const pipeline = uniqueName('sink-kill', '-');
const bed = useSinkTestBed('sink-kill');
let topic: string;
let table: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  ({ topic, table } = await bed.freshPipeline());
  await publish(
    bed.kafka,
    topic,
    realRecords().map((raw) => kafkaMessage(recallRevision(raw))),
  );
});

// Runs before the test bed's own cleanup (after-hooks run in reverse), so no child outlives its topic.
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startConsumer(args = ['--pipeline', pipeline, '--table', table, '--until-caught-up']): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', 'bin/recall.ts', 'consume', '--topic', topic, ...args],
    { env: { ...bed.connections.env, RECALL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  return child;
}

async function rowCount(name = table): Promise<number> {
  const { rows } = await bed.db
    .query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`)
    .catch(() => ({ rows: [{ n: 0 }] }));
  return rows[0]!.n;
}

describe('the consumer process', () => {
  it('killed with SIGKILL mid-load and restarted, loses no row and duplicates none', async () => {
    const first = startConsumer();
    const exited = once(first, 'exit');
    const atKill = await until(
      async () => {
        const rows = await rowCount();
        if (rows >= 1000) return rows;
        if (first.exitCode !== null) throw new StopWaiting(`it exited (${first.exitCode}) at ${rows} rows`);
        return undefined;
      },
      'the consumer to store 1,000 rows',
      { intervalMs: 20 },
    );
    first.kill('SIGKILL');
    const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect(signal).toBe('SIGKILL');
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(8803);

    const second = startConsumer();
    let output = '';
    second.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(second, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(output).toMatch(
      /^consumed=\d+ upserted=\d+ \(inserted=\d+ updated=0\) unchanged=\d+ dead-lettered=0 table-rows=8803 sheet-rows=8810$/m,
    );

    const { rows } = await bed.db.query<{ rows: number; references: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT reference_fiche)::int AS references FROM ${table}`,
    );
    expect(rows[0]).toEqual({ rows: 8803, references: 8803 });
    const expectedReferences = new Set(realRecords().map((raw) => raw.reference_fiche));
    const { rows: stored } = await bed.db.query<{ reference_fiche: string }>(`SELECT reference_fiche FROM ${table}`);
    expect(new Set(stored.map((row) => row.reference_fiche))).toEqual(expectedReferences);
  });

  it('without --until-caught-up, runs until SIGTERM, then commits what it stored and exits 0', async () => {
    const otherTable = uniqueName('sink_term');
    const otherPipeline = uniqueName('sink-term', '-');
    const report = path.join(os.tmpdir(), `${otherPipeline}-report.json`);
    const child = startConsumer(['--pipeline', otherPipeline, '--table', otherTable, '--report-file', report]);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      await until(async () => (await rowCount(otherTable)) >= 8803, 'all 8,803 rows', {
        timeoutMs: 90_000,
        intervalMs: 50,
      });
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
      expect(output).toContain(
        'consumed=8810 upserted=8803 (inserted=8803 updated=0) unchanged=7 dead-lettered=0 table-rows=8803 sheet-rows=8810',
      );
      expect(JSON.parse(fs.readFileSync(report, 'utf8'))).toEqual({
        step: 'consume',
        inserted: 8803,
        updated: 0,
        deadLettered: 0,
        tableRows: 8803,
      });
      const lags = await groupLag(bed.admin, consumerGroupId(otherPipeline), topic);
      expect(lags.map((entry) => entry.lag)).toEqual([0, 0, 0]);
    } finally {
      await dropRecallTable(bed.db, otherTable);
      fs.rmSync(report, { force: true });
    }
  });
});
