/**
 * The end-to-end pipeline scenario's data: the records file the in-cluster API serves, the
 * expected-rows files, what follows from them (how many records, how many rows the table ends
 * with), and the check of the table itself, read from the cluster's PostgreSQL with psql.
 *
 * The table is read as one JSON object per row (row_to_json). Its 25 original columns are text,
 * and JSON keeps text exactly and null apart from "", so the rows read compare with the expected
 * rows, which are JSON too, by plain equality: no parsing of psql's table layout or CSV quoting,
 * and the \r\n inside values are escaped, so each row stays on one line of psql's output.
 */
import pg from 'pg';
import { ORIGINAL_COLUMNS } from '../../src/transform/recall-row.ts';
import {
  describeDifferences,
  findRowDifferences,
  lastRowPerReference,
  readJsonLines,
  type OriginalRowValues,
} from '../original-rows.ts';
import { scenarioInputsFrom, type ScenarioInputs } from './scenario-inputs.ts';

export interface ScenarioData {
  readonly dataFile: string;
  readonly expectedFiles: readonly string[];
  /** Records in the data file: what the producer sends. */
  readonly recordCount: number;
  /** Distinct reference_fiche among the records. */
  readonly recordReferences: number;
  /** Distinct references of the expected files: the rows the table must end with. */
  readonly expectedTableRows: number;
  /** Per reference, the row the table must hold: the last one of the last file naming it. */
  readonly expectedRowPerReference: ReadonlyMap<string, OriginalRowValues>;
  /**
   * The differences between rows read from the table and the expected rows, over the 25 original
   * columns, as lines to read (reference, column, expected, actual), at most `limit` and then
   * the total. Empty when the table is right.
   */
  differencesFrom(rows: readonly Record<string, unknown>[], limit?: number): string[];
}

export function loadScenarioData(inputs: ScenarioInputs): ScenarioData {
  const records = readJsonLines<{ reference_fiche?: unknown }>(inputs.data);
  const expectedRowPerReference = lastRowPerReference(
    inputs.expected.flatMap((file) => readJsonLines<OriginalRowValues>(file)),
  );
  return {
    dataFile: inputs.data,
    expectedFiles: inputs.expected,
    recordCount: records.length,
    recordReferences: new Set(records.map((record) => record.reference_fiche)).size,
    expectedTableRows: expectedRowPerReference.size,
    expectedRowPerReference,
    differencesFrom: (rows, limit) => describeDifferences(findRowDifferences(rows, expectedRowPerReference), limit),
  };
}

/** The files `npm run e2e:kind` was given, or the shared rappelconso0 data. */
export const scenarioData: ScenarioData = loadScenarioData(await scenarioInputsFrom(process.env));

/**
 * psql's options for reading originalColumnsQuery's answer: the values alone, one row per line,
 * without the header, the row count or an aligned layout, whatever ~/.psqlrc says.
 */
export const PSQL_ROW_PER_LINE = ['--no-psqlrc', '--tuples-only', '--no-align', '--set=ON_ERROR_STOP=1'] as const;

/** One JSON object per row of `table`, holding its 25 original columns, in reference order. */
export function originalColumnsQuery(table: string): string {
  return (
    `SELECT row_to_json(original) FROM (SELECT ${ORIGINAL_COLUMNS.join(', ')} ` +
    `FROM ${pg.escapeIdentifier(table)}) original ORDER BY original.reference_fiche`
  );
}

/** The rows in psql's output of originalColumnsQuery (with PSQL_ROW_PER_LINE). */
export function parseOriginalColumns(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new Error(
          `line ${index + 1} of psql's output is not JSON (were PSQL_ROW_PER_LINE given?): ${line.slice(0, 200)}`,
        );
      }
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw new Error(`line ${index + 1} of psql's output is not a row object: ${line.slice(0, 200)}`);
      }
      return row as Record<string, unknown>;
    });
}
