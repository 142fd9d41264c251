/**
 * The bulk write path the consumer uses: COPY the batch into a temporary staging table, then one
 * INSERT ... SELECT ... ON CONFLICT per target merges it. bench/suites/sink.ts compares it with
 * multi-row VALUES statements and with one statement per row.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { latestPerKey } from '../transform/latest-rows.ts';
import type { RecallRow } from '../transform/recall-row.ts';
import { copyText } from './copy-text.ts';
import {
  COLUMN_LIST,
  countUpserts,
  rowValues,
  upsertStatement,
  type RowWriter,
  type UpsertCounts,
} from './recall-upsert.ts';
import { sheetsTable, type TableName } from './table-name.ts';

const STAGING = 'recall_staging';
/** COPY data goes to the socket in chunks of about this size: one write per row costs more than the rows. */
const CHUNK_CHARACTERS = 256 * 1024;

/** The rows as COPY text, a few large strings rather than one per row. */
function* copyChunks(rows: readonly RecallRow[], extra: (row: RecallRow) => string = () => ''): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += `${rowValues(row).map(copyText).join('\t')}${extra(row)}\n`;
    if (chunk.length >= CHUNK_CHARACTERS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * A staging table shaped like `like` plus `flags` boolean columns, dropped at commit (and before,
 * should the transaction have staged already), so each batch starts from an empty one.
 */
async function stage(
  client: pg.ClientBase,
  like: TableName,
  rows: readonly RecallRow[],
  flags: readonly string[] = [],
  flagValues?: (row: RecallRow) => readonly boolean[],
): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS pg_temp.${STAGING}`);
  const flagColumns = flags.map((flag) => `, false AS ${flag}`).join('');
  await client.query(
    `CREATE TEMP TABLE ${STAGING} ON COMMIT DROP AS SELECT ${COLUMN_LIST}${flagColumns} FROM ${like.sql} WITH NO DATA`,
  );
  const columns = [COLUMN_LIST, ...flags].join(', ');
  const extra =
    flagValues &&
    ((row: RecallRow) =>
      flagValues(row)
        .map((value) => `\t${value ? 't' : 'f'}`)
        .join(''));
  await pipeline(
    Readable.from(copyChunks(rows, extra)),
    client.query(copyFrom(`COPY ${STAGING} (${columns}) FROM STDIN`)),
  );
}

export const copyUpsert: RowWriter = async (client, table, rows, key) => {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  await stage(client, table, rows);
  const result = await client.query<{ inserted: boolean }>(
    upsertStatement(table, `SELECT ${COLUMN_LIST} FROM ${STAGING}`, key),
  );
  return countUpserts(result.rows);
};

/**
 * A consumer batch, staged once: every sheet into the sheets table (newest per record_id), and one
 * row per reference into the recall table (newest per reference_fiche). Counts are the recall
 * table's. Runs inside the caller's transaction, so both tables move together.
 */
export async function copyUpsertWithSheets(
  client: pg.ClientBase,
  table: TableName,
  rows: readonly RecallRow[],
): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const forTable = new Set(latestPerKey(rows, 'reference_fiche'));
  const forSheets = new Set(latestPerKey(rows, 'record_id'));
  const staged = rows.filter((row) => forTable.has(row) || forSheets.has(row));
  // Staged in the sheets table's shape (the same columns), and the sheets merged first: until the
  // recall table's own merge, the transaction holds no lock on it.
  await stage(client, sheetsTable(table), staged, ['for_table', 'for_sheets'], (row) => [
    forTable.has(row),
    forSheets.has(row),
  ]);
  await client.query(
    upsertStatement(sheetsTable(table), `SELECT ${COLUMN_LIST} FROM ${STAGING} WHERE for_sheets`, 'record_id'),
  );
  const result = await client.query<{ inserted: boolean }>(
    upsertStatement(table, `SELECT ${COLUMN_LIST} FROM ${STAGING} WHERE for_table`),
  );
  return countUpserts(result.rows);
}
