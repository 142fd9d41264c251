/**
 * ASCII transliteration as the original pipeline did it with Python's `unidecode`. The npm
 * `unidecode` package ports the same Text::Unidecode tables and agrees with the original on every
 * character of the real data but one: Python's tables put a space before the Latin-1 fractions
 * ("1½" → "1 1/2", not "11/2"), the npm port does not. No npm candidate matches exactly
 * (`transliteration` and `unidecode-plus` also write "EU" for "€"; `any-ascii` differs on "§", "®",
 * "—" and "Œ"), so the port is used with Python's three fraction entries laid over it.
 * to-recall-row.test.ts holds the result to the original's output for every real record.
 */
import unidecode from 'unidecode';

const PYTHON_FRACTIONS: Readonly<Record<string, string>> = { '¼': ' 1/4', '½': ' 1/2', '¾': ' 3/4' };

export function transliterate(text: string | null): string | null {
  if (text === null) return null;
  return unidecode(text.replace(/[¼½¾]/g, (fraction) => PYTHON_FRACTIONS[fraction]!));
}
