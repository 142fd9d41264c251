/**
 * The other write path: INSERT ... VALUES with many rows per statement, bound as parameters.
 * With one row per statement (a prepared statement) it is also the row-at-a-time baseline that
 * bench/suites/sink.ts measures the bulk path against.
 */
import { ROW_COLUMNS } from '../transform/recall-row.ts';
import { countUpserts, rowValues, upsertStatement, type RowWriter } from './recall-upsert.ts';

/** The protocol's limit on bound parameters per statement. */
const MAX_PARAMETERS = 65_535;

export function valuesUpsert(rowsPerStatement = Math.floor(MAX_PARAMETERS / ROW_COLUMNS.length)): RowWriter {
  if (rowsPerStatement < 1 || rowsPerStatement * ROW_COLUMNS.length > MAX_PARAMETERS)
    throw new Error(
      `rowsPerStatement=${rowsPerStatement}: expected 1 to ${Math.floor(MAX_PARAMETERS / ROW_COLUMNS.length)}`,
    );
  const width = ROW_COLUMNS.length;
  const placeholders = (count: number) =>
    `VALUES ${Array.from({ length: count }, (_, row) => `(${Array.from({ length: width }, (_, column) => `$${row * width + column + 1}`).join(', ')})`).join(',\n')}`;

  return async (client, table, rows, key) => {
    let inserted = 0;
    let updated = 0;
    for (let start = 0; start < rows.length; start += rowsPerStatement) {
      const chunk = rows.slice(start, start + rowsPerStatement);
      const result = await client.query<{ inserted: boolean }>({
        // Full chunks reuse one prepared statement; the last, shorter one is planned once.
        ...(chunk.length === rowsPerStatement && {
          name: `recall-upsert-${rowsPerStatement}-${table.name}-${key ?? 'reference_fiche'}`,
        }),
        text: upsertStatement(table, placeholders(chunk.length), key),
        values: chunk.flatMap(rowValues),
      });
      const counts = countUpserts(result.rows);
      inserted += counts.inserted;
      updated += counts.updated;
    }
    return { inserted, updated };
  };
}
