/** The migration runner against real PostgreSQL: once per table, however many run and however often. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/postgres/migrate.ts';
import { tableName } from '../../src/postgres/table-name.ts';
import { ORIGINAL_COLUMNS, ROW_COLUMNS } from '../../src/transform/recall-row.ts';
import {
  connectedPostgres,
  dropRecallTable,
  sinkConnections,
  uniqueName,
  type SinkConnections,
} from './recall-topic-fixture.ts';

const perTable = readMigrations().filter((migration) => migration.perTable);
let connections: SinkConnections;
let db: pg.Client;
const tables: string[] = [];

beforeAll(async () => {
  connections = await sinkConnections();
  db = await connectedPostgres(connections.postgres);
});

afterAll(async () => {
  for (const table of tables) await dropRecallTable(db, table);
  await db?.end();
});

function freshTable(): string {
  const table = uniqueName('migrate_test');
  tables.push(table);
  return table;
}

async function trackedVersions(table: string): Promise<string[]> {
  const { rows } = await db.query<{ version: string }>(
    'SELECT version FROM recall_schema_migrations WHERE applies_to = $1 ORDER BY version',
    [table],
  );
  return rows.map((row) => row.version);
}

async function primaryKey(table: string): Promise<string[]> {
  const { rows } = await db.query<{ column: string }>(
    `SELECT a.attname AS column FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary`,
    [table],
  );
  return rows.map((row) => row.column);
}

describe('migrate', () => {
  it('creates the recall table with the original 25 columns first, then the typed ones, and its sheets table', async () => {
    const table = freshTable();
    const result = await migrate(db, tableName(table));
    expect(result.applied).toEqual(expect.arrayContaining(perTable.map((migration) => migration.name)));
    const { rows } = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    // Columns a later migration added come after the database's own two.
    const added = ['record_id', 'sheet_number'];
    expect(rows.map((row) => row.column_name)).toEqual([
      ...ROW_COLUMNS.filter((column) => !added.includes(column)),
      'ingested_at',
      'updated_at',
      ...added,
    ]);
    for (const row of rows.slice(0, ORIGINAL_COLUMNS.length)) expect(row.data_type).toBe('text');
    expect(
      Object.fromEntries(rows.slice(ORIGINAL_COLUMNS.length).map((row) => [row.column_name, row.data_type])),
    ).toEqual({
      version: 'integer',
      published_on: 'date',
      marketed_from: 'date',
      marketed_until: 'date',
      recall_ends_on: 'date',
      dataset: 'text',
      fetched_at: 'timestamp with time zone',
      raw: 'jsonb',
      ingested_at: 'timestamp with time zone',
      updated_at: 'timestamp with time zone',
      record_id: 'text',
      sheet_number: 'integer',
    });
    expect(await primaryKey(table)).toEqual(['reference_fiche']);
    const { rows: sheetColumns } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = $1`,
      [`${table}_sheets`],
    );
    expect(new Set(sheetColumns.map((row) => row.column_name))).toEqual(
      new Set([...ROW_COLUMNS, 'ingested_at', 'updated_at']),
    );
    expect(await primaryKey(`${table}_sheets`)).toEqual(['record_id']);
  });

  it('names a table that is gone behind an applied migration, and creates it again with restore', async () => {
    const table = freshTable();
    await migrate(db, tableName(table));
    await db.query(`INSERT INTO ${table}_sheets (record_id, reference_fiche, published_on, dataset, fetched_at, raw)
                    VALUES ('kept', 'R', '2024-01-01', 'rappelconso0', now(), '{}')`);
    await db.query(`DROP TABLE ${table}`);
    const missing = `table "${table}" does not exist, yet migration 0001_recall_table.sql that creates it is recorded as applied`;
    await expect(migrate(db, tableName(table))).rejects.toThrow(missing);
    await expect(migrate(db, tableName(table))).rejects.toThrow(`recall migrate --table ${table} --restore`);

    const restored = await migrate(db, tableName(table), { restore: true });
    expect(restored.restored).toEqual([`"${table}"`]);
    expect(restored.applied).toEqual(perTable.map((migration) => migration.name));
    expect(await primaryKey(table)).toEqual(['reference_fiche']);
    // The sheets table, still there, was left as it was.
    expect((await db.query(`SELECT record_id FROM ${table}_sheets`)).rows).toEqual([{ record_id: 'kept' }]);
    expect((await migrate(db, tableName(table))).applied).toEqual([]);
  });

  it('applies nothing the second time', async () => {
    const table = freshTable();
    await migrate(db, tableName(table));
    const again = await migrate(db, tableName(table));
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toHaveLength(readMigrations().length);
    expect(await trackedVersions(table)).toEqual(perTable.map((migration) => migration.version));
  });

  it('applies each migration once when 4 runners start together', async () => {
    const table = freshTable();
    const clients = await Promise.all(Array.from({ length: 4 }, () => connectedPostgres(connections.postgres)));
    try {
      const results = await Promise.all(clients.map((client) => migrate(client, tableName(table))));
      const applied = results.flatMap((result) => result.applied);
      for (const migration of perTable) expect(applied.filter((name) => name === migration.name)).toHaveLength(1);
      expect(results.filter((result) => result.applied.length === 0)).toHaveLength(3);
      expect(await trackedVersions(table)).toEqual(perTable.map((migration) => migration.version));
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  it('runs as `recall migrate --table`, and a bad name is refused naming the flag', async () => {
    const table = freshTable();
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['bin/recall.ts', 'migrate', ...args], { env: connections.env });
    const first = await run(['--table', table]);
    expect(first.stdout).toContain(`applied  ${perTable[0]!.name}`);
    expect((await run(['--table', table])).stdout).toMatch(/^0 applied, \d+ already applied, for table /m);
    await expect(run(['--table', 'Not-A-Table'])).rejects.toThrow('--table="Not-A-Table": expected a table name');
  });
});
