import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionFor } from '../infra/connection.ts';

/** A value in COPY's text format: backslash escapes for the characters that delimit, \N for null. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r');
}

describe('PostgreSQL (real server from Debian packages)', () => {
  let client: pg.Client;

  beforeAll(async () => {
    const env = await connectionFor('postgres');
    client = new pg.Client({
      host: env.PGHOST,
      port: Number(env.PGPORT),
      user: env.PGUSER,
      password: env.PGPASSWORD,
      database: env.PGDATABASE,
    });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
  });

  it('creates a table, COPYs rows in and reads them back', async () => {
    const table = `smoke_${process.pid}_${Date.now()}`;
    await client.query(`CREATE TABLE ${table} (reference text PRIMARY KEY, label text, published date)`);
    try {
      const rows = Array.from({ length: 1000 }, (_, index) => ({
        reference: `ref-${index}`,
        label: index % 2 === 0 ? `tab\there "quoted" é \\ back\nslash` : null,
        published: '2023-06-30',
      }));
      const lines = rows.map((row) => `${[row.reference, row.label, row.published].map(copyText).join('\t')}\n`);
      await pipeline(Readable.from(lines), client.query(copyFrom(`COPY ${table} FROM STDIN`)));

      const { rows: back } = await client.query<{ reference: string; label: string | null; published: string }>(
        `SELECT reference, label, to_char(published, 'YYYY-MM-DD') AS published FROM ${table} ORDER BY reference`,
      );
      expect(back).toHaveLength(1000);
      const byReference = new Map(back.map((row) => [row.reference, row]));
      for (const row of rows) expect(byReference.get(row.reference)).toEqual(row);
    } finally {
      await client.query(`DROP TABLE ${table}`);
    }
  });
});
