/**
 * The merge of recall rows into the table, shared by both write paths (COPY + merge, multi-row
 * VALUES): insert a new recall; replace a stored one only when the incoming revision is newer
 * (version, then publication day, then fetch time: the order of src/sink/latest-per-reference.ts)
 * and actually differs, so a replay changes nothing, updated_at included.
 */
import type pg from 'pg';
import { ROW_COLUMNS, type RecallRow } from '../sink/recall-row.ts';
import type { TableName } from './table-name.ts';

export interface UpsertCounts {
  /** Rows that did not exist. */
  readonly inserted: number;
  /** Rows replaced by a newer revision. */
  readonly updated: number;
}

/** Writes rows with distinct reference_fiche inside the caller's transaction. */
export type RowWriter = (client: pg.ClientBase, table: TableName, rows: readonly RecallRow[]) => Promise<UpsertCounts>;

export const COLUMN_LIST = ROW_COLUMNS.join(', ');

const UPDATED_COLUMNS = ROW_COLUMNS.filter((column) => column !== 'reference_fiche');
/** What makes two revisions different; fetched_at alone does not. */
const CONTENT_COLUMNS = UPDATED_COLUMNS.filter((column) => column !== 'fetched_at');

function recency(alias: string): string {
  return `(coalesce(${alias}.version, -1), ${alias}.published_on, ${alias}.fetched_at)`;
}

function content(alias: string): string {
  return `(${CONTENT_COLUMNS.map((column) => `${alias}.${column}`).join(', ')})`;
}

/** `source` yields ROW_COLUMNS in order: a VALUES list or a SELECT. */
export function upsertStatement(table: TableName, source: string): string {
  return `INSERT INTO ${table.sql} AS stored (${COLUMN_LIST})
${source}
ON CONFLICT (reference_fiche) DO UPDATE SET
  ${UPDATED_COLUMNS.map((column) => `${column} = excluded.${column}`).join(',\n  ')},
  updated_at = now()
WHERE ${recency('excluded')} > ${recency('stored')}
  AND ${content('stored')} IS DISTINCT FROM ${content('excluded')}
RETURNING (xmax = 0) AS inserted`;
}

/** The row's values in ROW_COLUMNS order, as PostgreSQL reads them from text. */
export function rowValues(row: RecallRow): (string | null)[] {
  return ROW_COLUMNS.map((column) => {
    const value = row[column];
    return value === null || typeof value === 'string' ? value : String(value);
  });
}

export function countUpserts(returned: readonly { inserted: boolean }[]): UpsertCounts {
  const inserted = returned.filter((row) => row.inserted).length;
  return { inserted, updated: returned.length - inserted };
}
