/**
 * The merge of recall rows into a table, shared by both write paths (COPY + merge, multi-row
 * VALUES) and both tables (the recall table keyed by reference_fiche, its sheets table by
 * record_id): insert a new key; replace a stored row only when the incoming one is newer (version,
 * then publication day, then sheet number, then fetch time: the order of src/transform/latest-rows.ts)
 * and actually differs, so a replay changes nothing, updated_at included.
 */
import type pg from 'pg';
import type { RowKey } from '../transform/latest-rows.ts';
import { ROW_COLUMNS, type RecallRow } from '../transform/recall-row.ts';
import type { TableName } from './table-name.ts';

export interface UpsertCounts {
  /** Rows that did not exist. */
  readonly inserted: number;
  /** Rows replaced by a newer revision. */
  readonly updated: number;
}

/** Writes rows with distinct `key` values (reference_fiche by default) inside the caller's transaction. */
export type RowWriter = (
  client: pg.ClientBase,
  table: TableName,
  rows: readonly RecallRow[],
  key?: RowKey,
) => Promise<UpsertCounts>;

export const COLUMN_LIST = ROW_COLUMNS.join(', ');

function recency(alias: string): string {
  return `(coalesce(${alias}.version, -1), ${alias}.published_on, coalesce(${alias}.sheet_number, -1), ${alias}.fetched_at)`;
}

function content(alias: string, columns: readonly string[]): string {
  return `(${columns.map((column) => `${alias}.${column}`).join(', ')})`;
}

/** `source` yields ROW_COLUMNS in order: a VALUES list or a SELECT. */
export function upsertStatement(table: TableName, source: string, key: RowKey = 'reference_fiche'): string {
  const updated = ROW_COLUMNS.filter((column) => column !== key);
  // What makes two revisions different; fetched_at alone does not.
  const contentColumns = updated.filter((column) => column !== 'fetched_at');
  return `INSERT INTO ${table.sql} AS stored (${COLUMN_LIST})
${source}
ON CONFLICT (${key}) DO UPDATE SET
  ${updated.map((column) => `${column} = excluded.${column}`).join(',\n  ')},
  updated_at = now()
WHERE ${recency('excluded')} > ${recency('stored')}
  AND ${content('stored', contentColumns)} IS DISTINCT FROM ${content('excluded', contentColumns)}
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
