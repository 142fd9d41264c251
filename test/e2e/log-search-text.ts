/**
 * The text a log line matching a pattern must contain, for Airflow's log search box, which takes
 * text, not patterns: the literal characters the pattern starts with, up to its first operator.
 */

/** Characters that end the literal start of a pattern. */
const OPERATORS = new Set(['.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '$', '^']);
/** These make the character before them optional, so it is not part of every match. */
const OPTIONAL_QUANTIFIERS = new Set(['*', '?', '{']);

export function logSearchText(pattern: RegExp): string {
  const source = pattern.source;
  let text = '';
  for (let index = source.startsWith('^') ? 1 : 0; index < source.length; index += 1) {
    const character = source[index]!;
    if (character === '\\') {
      const escaped = source[index + 1];
      // \d, \s, \b and their kind are classes or assertions; \. \: \/ are the character itself.
      if (escaped === undefined || /[A-Za-z0-9]/.test(escaped)) break;
      text += escaped;
      index += 1;
      continue;
    }
    if (OPERATORS.has(character)) {
      if (OPTIONAL_QUANTIFIERS.has(character)) text = text.slice(0, -1);
      break;
    }
    text += character;
  }
  return text.trim();
}
