/**
 * One field of COPY's text format: backslash escapes for the characters that delimit fields and
 * rows, \N for null.
 */
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;

export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  // Most fields hold none of them: a test is cheaper than a replace that finds nothing.
  return SPECIAL.test(value) ? value.replace(SPECIALS, (special) => ESCAPES[special]!) : value;
}
