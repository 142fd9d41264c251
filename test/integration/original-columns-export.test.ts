/**
 * How the end-to-end tier reads the recall table out of the cluster (test/e2e/scenario-data.ts):
 * psql's output of originalColumnsQuery, one JSON row per line, parsed back, must give the very
 * values stored, for all the real expected rows: \r\n inside values, non-ASCII text, a backslash,
 * nulls beside empty strings. Here with the local PostgreSQL and psql of the same major version.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGINAL_COLUMNS } from '../../src/transform/recall-row.ts';
import { versions } from '../../contract/versions.ts';
import { originalColumnsQuery, parseOriginalColumns, PSQL_ROW_PER_LINE, scenarioData } from '../e2e/scenario-data.ts';
import { connectionFor } from '../infra/connection.ts';
import { uniqueName } from './recall-topic-fixture.ts';

const PSQL = `/usr/lib/postgresql/${versions.postgresMajor}/bin/psql`;

function psql(env: Record<string, string>, sql: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PSQL, [...PSQL_ROW_PER_LINE, '--command', sql], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(stdout).toString('utf8'))
        : reject(new Error(`psql exited ${code}: ${stderr}`)),
    );
  });
}

describe('the recall table read with psql, one JSON row per line', () => {
  let env: Record<string, string>;
  let db: pg.Client;
  const table = uniqueName('export_test');

  beforeAll(async () => {
    env = await connectionFor('postgres');
    db = new pg.Client({
      host: env.PGHOST,
      port: Number(env.PGPORT),
      user: env.PGUSER,
      password: env.PGPASSWORD,
      database: env.PGDATABASE,
    });
    await db.connect();
    // The original columns as 0001_recall_table.sql declares them: text, reference_fiche the key.
    const columns = ORIGINAL_COLUMNS.map((column) =>
      column === 'reference_fiche' ? `${column} text PRIMARY KEY` : `${column} text`,
    );
    await db.query(`CREATE TABLE ${pg.escapeIdentifier(table)} (${columns.join(', ')})`);
    await db.query(
      `INSERT INTO ${pg.escapeIdentifier(table)} SELECT * FROM json_populate_recordset(NULL::${pg.escapeIdentifier(table)}, $1)`,
      [JSON.stringify([...scenarioData.expectedRowPerReference.values()])],
    );
  });

  afterAll(async () => {
    await db?.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(table)}`);
    await db?.end();
  });

  it('gives back every expected row exactly', async () => {
    const rows = parseOriginalColumns(await psql(env, originalColumnsQuery(table)));
    expect(rows).toHaveLength(scenarioData.expectedTableRows);
    expect(scenarioData.differencesFrom(rows)).toEqual([]);
  });

  it('tells a changed value, naming reference and column', async () => {
    const reference = [...scenarioData.expectedRowPerReference.keys()][100]!;
    await db.query(
      `UPDATE ${pg.escapeIdentifier(table)} SET distributeurs = coalesce(distributeurs, '') || 'é' WHERE reference_fiche = $1`,
      [reference],
    );
    const differences = scenarioData.differencesFrom(
      parseOriginalColumns(await psql(env, originalColumnsQuery(table))),
    );
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatch(new RegExp(`^${reference} distributeurs: expected .*, actual .*é"$`));
  });
});
