/**
 * Versioned plain-SQL migrations: src/postgres/migrations/NNNN_name.sql, applied in lexical order,
 * each once, each in its own transaction, recorded in `recall_schema_migrations`.
 *
 * The recall table's name is chosen per pipeline (`--table`), so a migration may write `{{table}}`
 * where that table's name goes, and `{{sheets}}` for its sheets table; the runner puts the quoted
 * names there (see table-name.ts). Such a
 * migration is applied, and recorded, once per table; a migration without the placeholder (the
 * producer's checkpoint table) concerns the whole database and is recorded once, with an empty
 * `applies_to`.
 *
 * Runners take a PostgreSQL advisory lock for the whole run, so any number of them (a consumer
 * starting beside `recall migrate`, several replicas) apply each migration exactly once; a run
 * that finds everything applied changes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { sheetsTable, type TableName } from './table-name.ts';

export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('./migrations/', import.meta.url));

const TRACKING_TABLE = 'recall_schema_migrations';
/** What a per-table migration may write where the recall table's name, or its sheets table's, goes. */
const PLACEHOLDERS = {
  '{{table}}': (table: TableName) => table,
  '{{sheets}}': sheetsTable,
} as const;
const PLACEHOLDER = /\{\{(table|sheets)\}\}/g;

function withNames(sql: string, table: TableName): string {
  return sql.replace(PLACEHOLDER, (placeholder) => PLACEHOLDERS[placeholder as keyof typeof PLACEHOLDERS](table).sql);
}
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
/** Any fixed number; the one lock every migration runner of this project waits on. */
const ADVISORY_LOCK_KEY = 720_431_806;

export interface Migration {
  /** The file name, e.g. `0001_recall_table.sql`. */
  readonly name: string;
  readonly version: string;
  readonly sql: string;
  readonly perTable: boolean;
}

export interface MigrationResult {
  /** Names of the migrations this run applied, in order; empty when all were already applied. */
  readonly applied: string[];
  readonly alreadyApplied: string[];
  /** Tables that were missing behind an applied migration and were created again (with `restore`). */
  readonly restored: string[];
}

export interface MigrateOptions {
  /**
   * Re-create a table whose migration is recorded as applied but which no longer exists (dropped by
   * hand, or a database restored without it). Off by default: a consumer must not quietly start an
   * empty table while its group's offsets say the rows were stored; `recall migrate --restore` is
   * the explicit way.
   */
  readonly restore?: boolean;
  readonly migrations?: readonly Migration[];
}

/** A migration is recorded as applied, but a table it creates is gone. */
export class MissingTableError extends Error {
  override name = 'MissingTableError';
}

const CREATE_TABLE = /CREATE TABLE (?:IF NOT EXISTS )?(\{\{\w+\}\}|[a-z_][a-z0-9_.]*)/gi;

/** The tables a migration creates, as SQL names: what must exist once it is recorded as applied. */
function createdTables(migration: Migration, table: TableName | undefined): string[] {
  return [...migration.sql.matchAll(CREATE_TABLE)].map(([, name]) => (table ? withNames(name!, table) : name!));
}

export function readMigrations(directory = MIGRATIONS_DIRECTORY): Migration[] {
  const names = fs
    .readdirSync(directory)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  const migrations = names.map((name) => {
    const match = FILE_NAME.exec(name);
    if (!match) throw new Error(`migration file ${JSON.stringify(name)}: expected a name like 0001_create_table.sql`);
    const sql = fs.readFileSync(path.join(directory, name), 'utf8');
    return { name, version: match[1]!, sql, perTable: sql.search(PLACEHOLDER) >= 0 };
  });
  const versions = new Set<string>();
  for (const migration of migrations) {
    if (versions.has(migration.version))
      throw new Error(`migration file ${JSON.stringify(migration.name)}: version ${migration.version} is used twice`);
    versions.add(migration.version);
  }
  return migrations;
}

/**
 * Applies what is missing for `table`; without a table, only the database-wide migrations (what the
 * producer's checkpoints need). The client must be connected and outside a transaction.
 */
export async function migrate(
  client: pg.ClientBase,
  table?: TableName,
  { restore = false, migrations = readMigrations() }: MigrateOptions = {},
): Promise<MigrationResult> {
  await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
  try {
    // Created under the lock: CREATE TABLE IF NOT EXISTS alone races with itself.
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${TRACKING_TABLE} (
         applies_to text NOT NULL,
         version text NOT NULL,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (applies_to, version)
       )`,
    );
    const { rows } = await client.query<{ applies_to: string; version: string }>(
      `SELECT applies_to, version FROM ${TRACKING_TABLE} WHERE applies_to IN ('', $1)`,
      [table?.name ?? ''],
    );
    const done = new Set(rows.map((row) => `${row.applies_to}/${row.version}`));
    const result: MigrationResult = { applied: [], alreadyApplied: [], restored: [] };
    const target = (migration: Migration) => (migration.perTable && table ? table.name : '');
    for (const migration of migrations) {
      if (migration.perTable && !table) continue;
      if (!done.has(`${target(migration)}/${migration.version}`)) continue;
      for (const created of createdTables(migration, table)) {
        const { rows: found } = await client.query<{ missing: boolean }>('SELECT to_regclass($1) IS NULL AS missing', [
          created,
        ]);
        if (!found[0]!.missing) continue;
        if (!restore) {
          throw new MissingTableError(
            `table ${created} does not exist, yet migration ${migration.name} that creates it is recorded as applied ` +
              `in ${TRACKING_TABLE}; \`recall migrate${migration.perTable && table ? ` --table ${table.name}` : ''} --restore\` ` +
              'creates it again (empty)',
          );
        }
        // This migration and every later one of the same target run again, in order, below.
        for (const later of migrations.filter((m) => m.version >= migration.version && target(m) === target(migration)))
          done.delete(`${target(later)}/${later.version}`);
        await client.query(`DELETE FROM ${TRACKING_TABLE} WHERE applies_to = $1 AND version >= $2`, [
          target(migration),
          migration.version,
        ]);
        result.restored.push(created);
      }
    }
    for (const migration of migrations) {
      if (migration.perTable && !table) continue;
      const appliesTo = target(migration);
      if (done.has(`${appliesTo}/${migration.version}`)) {
        result.alreadyApplied.push(migration.name);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(table ? withNames(migration.sql, table) : migration.sql);
        await client.query(`INSERT INTO ${TRACKING_TABLE} (applies_to, version, name) VALUES ($1, $2, $3)`, [
          appliesTo,
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        const reason = error instanceof Error ? error.message : String(error);
        const target = table ? `table ${table.name}` : 'the database';
        throw new Error(`migration ${migration.name} for ${target} failed: ${reason}`, { cause: error });
      }
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
  }
}
