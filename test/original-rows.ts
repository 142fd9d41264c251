/**
 * The original pipeline's rows, as every tier checks a recall table against them: the last row per
 * reference_fiche of expected-rows files, and the differences between those rows and a table's
 * 25 original columns, told column by column so that a failing run says what is wrong, not only
 * that something is.
 */
import fs from 'node:fs';
import { ORIGINAL_COLUMNS } from '../src/transform/recall-row.ts';

/** A row of an expected-rows file: the 25 original columns, text or null. */
export type OriginalRowValues = Record<string, string | null>;

/** One JSON value per non-empty line of a file. */
export function readJsonLines<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

/**
 * The row kept for each reference: the last one seen, in the order given. The original pipeline
 * overwrote a reference's row with each later record, and a later file is a later load.
 */
export function lastRowPerReference(rows: Iterable<OriginalRowValues>): Map<string, OriginalRowValues> {
  const kept = new Map<string, OriginalRowValues>();
  for (const row of rows) {
    const reference = row.reference_fiche;
    if (typeof reference !== 'string')
      throw new Error(`an expected row has no reference_fiche: ${JSON.stringify(row)}`);
    kept.set(reference, row);
  }
  return kept;
}

export type RowDifference =
  | { readonly kind: 'missing row'; readonly reference: string }
  | { readonly kind: 'unexpected row'; readonly reference: string }
  | { readonly kind: 'duplicate row'; readonly reference: string }
  | {
      readonly kind: 'value';
      readonly reference: string;
      readonly column: string;
      readonly expected: string | null;
      /** undefined when the row read has no such column at all. */
      readonly actual: unknown;
    };

/**
 * Every difference between rows read from a table (objects keyed by column) and the expected row
 * per reference, over the 25 original columns. Values must be equal as they are: text to text,
 * null to null, so a reader that turns null into "" or text into numbers shows up here.
 */
export function findRowDifferences(
  rows: readonly Record<string, unknown>[],
  expected: ReadonlyMap<string, OriginalRowValues>,
): RowDifference[] {
  const differences: RowDifference[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const reference = String(row.reference_fiche);
    if (seen.has(reference)) {
      differences.push({ kind: 'duplicate row', reference });
      continue;
    }
    seen.add(reference);
    const wanted = expected.get(reference);
    if (wanted === undefined) {
      differences.push({ kind: 'unexpected row', reference });
      continue;
    }
    for (const column of ORIGINAL_COLUMNS) {
      const actual = column in row ? row[column] : undefined;
      const expectedValue = wanted[column] ?? null;
      if (actual !== expectedValue)
        differences.push({ kind: 'value', reference, column, expected: expectedValue, actual });
    }
  }
  for (const reference of expected.keys()) {
    if (!seen.has(reference)) differences.push({ kind: 'missing row', reference });
  }
  return differences;
}

/** Values up to ~7 KB would drown the report: shown around where they first differ. */
const SHOWN_CHARACTERS = 120;

function firstDifferenceAt(a: string, b: string): number {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index += 1;
  return index;
}

function shown(value: unknown, from: number): string {
  if (value === undefined) return '(no such column)';
  if (value === null) return 'null';
  if (typeof value !== 'string') return `${JSON.stringify(value)} (a ${typeof value}, not text)`;
  const start = Math.max(0, from - SHOWN_CHARACTERS / 4);
  const excerpt = value.slice(start, start + SHOWN_CHARACTERS);
  return `${start > 0 ? '…' : ''}${JSON.stringify(excerpt)}${start + SHOWN_CHARACTERS < value.length ? '…' : ''}`;
}

export function describeDifference(difference: RowDifference): string {
  switch (difference.kind) {
    case 'missing row':
      return `${difference.reference}: no row in the table`;
    case 'unexpected row':
      return `${difference.reference}: a row no expected file has`;
    case 'duplicate row':
      return `${difference.reference}: more than one row`;
    case 'value': {
      const { expected, actual } = difference;
      const at = typeof expected === 'string' && typeof actual === 'string' ? firstDifferenceAt(expected, actual) : 0;
      return `${difference.reference} ${difference.column}: expected ${shown(expected, at)}, actual ${shown(actual, at)}`;
    }
  }
}

/**
 * The differences as lines to read, at most `limit` of them, then one line with the total when
 * there were more. Empty when the table holds exactly the expected rows.
 */
export function describeDifferences(differences: readonly RowDifference[], limit = 20): string[] {
  const lines = differences.slice(0, limit).map(describeDifference);
  if (differences.length > limit) lines.push(`… ${differences.length} differences in all, the first ${limit} shown`);
  return lines;
}
