/**
 * Within one batch, one row per key: the newest. Newer means a higher version number, then a later
 * publication day, then a higher recall-sheet number (two sheets sharing a reference: the later
 * sheet), then a later fetch; on a full tie the earlier row stays. The table's upsert orders stored
 * and incoming rows the same way (src/postgres/recall-upsert.ts), so the result depends neither on
 * how Kafka cut batches nor on the order copies arrived in.
 *
 * The recall table keeps one row per reference_fiche, as the original did; the sheets table one per
 * record_id, so a second sheet under a shared reference is kept there rather than lost.
 */
import type { RecallRow } from './recall-row.ts';

export type RowKey = 'reference_fiche' | 'record_id';

/** Negative, zero or positive as `a` is older than, as new as, or newer than `b`. */
export function compareRecency(a: RecallRow, b: RecallRow): number {
  return (
    (a.version ?? -1) - (b.version ?? -1) ||
    a.published_on.localeCompare(b.published_on) ||
    (a.sheet_number ?? -1) - (b.sheet_number ?? -1) ||
    Date.parse(a.fetched_at) - Date.parse(b.fetched_at)
  );
}

export function latestPerKey(rows: Iterable<RecallRow>, key: RowKey): RecallRow[] {
  const latest = new Map<string, RecallRow>();
  for (const row of rows) {
    const kept = latest.get(row[key]);
    if (kept === undefined || compareRecency(row, kept) > 0) latest.set(row[key], row);
  }
  return [...latest.values()];
}
