/**
 * The main job end to end, as a user runs it: `recall pipeline --data <real records>` against real
 * Kafka and PostgreSQL. The local RappelConso API serves the 8,810 real records; the table must hold
 * the original pipeline's rows; a second run finds nothing new.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGINAL_COLUMNS } from '../../src/transform/recall-row.ts';
import { RAPPELCONSO0_RECORDS } from '../real-data.ts';
import {
  connectedPostgres,
  deleteRecallTopics,
  dropRecallTable,
  kafkaClient,
  rowsDifferingFromOriginal,
  sinkConnections,
  uniqueName,
} from './recall-topic-fixture.ts';

const execFileAsync = promisify(execFile);

describe('recall pipeline --data (the main job, end to end)', () => {
  const pipeline = uniqueName('e2e', '-');
  const topic = pipeline;
  const table = uniqueName('e2e_table');
  let connections: Awaited<ReturnType<typeof sinkConnections>>;
  let db: pg.Client;

  beforeAll(async () => {
    connections = await sinkConnections();
    db = await connectedPostgres(connections.postgres);
  });

  afterAll(async () => {
    await dropRecallTable(db, table);
    await db.end();
    const admin = kafkaClient(connections.kafka).admin();
    await admin.connect();
    await deleteRecallTopics(admin, topic);
    await admin.disconnect();
  });

  const runPipeline = () =>
    execFileAsync(
      process.execPath,
      [
        'bin/recall.ts',
        'pipeline',
        '--pipeline',
        pipeline,
        '--data',
        RAPPELCONSO0_RECORDS,
        '--topic',
        topic,
        '--table',
        table,
      ],
      { env: connections.env },
    );

  it('loads the 8,810 real records into the original table, row for row', async () => {
    const { stdout } = await runPipeline();
    expect(stdout).toMatch(/^producer: .*fetched 8810, sent 8810, dead-lettered 0/m);
    expect(stdout).toMatch(/^consumer: consumed=8810 upserted=8803 .* dead-lettered=0/m);

    const { rows } = await db.query<Record<string, string | null>>(
      `SELECT ${ORIGINAL_COLUMNS.join(', ')} FROM ${table}`,
    );
    expect(rows).toHaveLength(8803);
    expect(rowsDifferingFromOriginal(rows)).toEqual([]);
  });

  it('finds nothing new on the next run', async () => {
    const { stdout } = await runPipeline();
    expect(stdout).toMatch(/^producer: .*sent 0, dead-lettered 0/m);
    expect(stdout).toMatch(/^consumer: consumed=0 upserted=0/m);
    const { rows } = await db.query<{ count: string }>(`SELECT count(*) FROM ${table}`);
    expect(rows[0]?.count).toBe('8803');
  });
});
