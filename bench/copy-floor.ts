/**
 * The physical floor of loading the table: one plain COPY of the final rows into an empty table.
 * No write path can beat it, so every load is compared with it as a ratio.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from '../src/postgres/copy-text.ts';
import { COLUMN_LIST, rowValues } from '../src/postgres/recall-upsert.ts';
import type { RecallRow } from '../src/transform/recall-row.ts';

/** Milliseconds to COPY `rows` into `tableSql` (an empty, migrated table). */
export async function copyFloorMs(db: pg.Client, tableSql: string, rows: readonly RecallRow[]): Promise<number> {
  const started = performance.now();
  await pipeline(
    Readable.from(rows.map((row) => `${rowValues(row).map(copyText).join('\t')}\n`)),
    db.query(copyFrom(`COPY ${tableSql} (${COLUMN_LIST}) FROM STDIN`)),
  );
  return performance.now() - started;
}
