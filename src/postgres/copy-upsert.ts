/**
 * The bulk write path the consumer uses: COPY the batch into a temporary staging table, then one
 * INSERT ... SELECT ... ON CONFLICT merges it. bench/suites/sink.ts compares it with multi-row
 * VALUES statements and with one statement per row.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from './copy-text.ts';
import { COLUMN_LIST, countUpserts, rowValues, upsertStatement, type RowWriter } from './recall-upsert.ts';

const STAGING = 'recall_staging';

export const copyUpsert: RowWriter = async (client, table, rows, key) => {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  // Dropped at commit, so each batch starts from an empty one shaped like the table it targets.
  // Dropped first too: a transaction may write more than one table (the recall table and its sheets).
  await client.query(`DROP TABLE IF EXISTS pg_temp.${STAGING}`);
  await client.query(
    `CREATE TEMP TABLE ${STAGING} ON COMMIT DROP AS SELECT ${COLUMN_LIST} FROM ${table.sql} WITH NO DATA`,
  );
  const lines = rows.map((row) => `${rowValues(row).map(copyText).join('\t')}\n`);
  await pipeline(Readable.from(lines), client.query(copyFrom(`COPY ${STAGING} (${COLUMN_LIST}) FROM STDIN`)));
  const result = await client.query<{ inserted: boolean }>(
    upsertStatement(table, `SELECT ${COLUMN_LIST} FROM ${STAGING}`, key),
  );
  return countUpserts(result.rows);
};
