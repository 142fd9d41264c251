/**
 * One field of COPY's text format: backslash escapes for the characters that delimit fields and
 * rows, \N for null.
 */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r');
}
