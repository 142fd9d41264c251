/**
 * The part of ODSQL's `where` the producer sends: comparisons of one field with a quoted literal,
 * joined by `and` (`date_de_publication >= '2023-01-01' and date_de_publication < '2023-02-01'`),
 * optionally in parentheses (a pipeline's own filter is sent as `(<filter>) and <window>`).
 * Anything else is a syntax error the API answers with HTTP 400, rather than a silently wrong
 * filter. With only `and`, parentheses change nothing, so groups are flattened.
 */

export const OPERATORS = ['>=', '<=', '>', '<', '='] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Comparison {
  field: string;
  operator: Operator;
  /** The literal without its quotes (and without a `date` prefix). */
  literal: string;
}

export class WhereSyntaxError extends Error {
  override name = 'WhereSyntaxError';
}

const comparison = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<|=)\s*(?:date\s*)?(?:'([^']*)'|"([^"]*)")\s*/y;
const conjunction = /and\b\s*/iy;
const openGroup = /\s*\(/y;
const closeGroup = /\s*\)\s*/y;

function at(text: string, position: number): string {
  return position >= text.length ? 'at the end' : `at character ${position + 1}`;
}

export function parseWhere(text: string): Comparison[] {
  const comparisons: Comparison[] = [];
  let position = 0;
  let depth = 0;
  for (;;) {
    openGroup.lastIndex = position;
    while (openGroup.test(text)) {
      depth += 1;
      position = openGroup.lastIndex;
    }
    comparison.lastIndex = position;
    const match = comparison.exec(text);
    if (!match) {
      throw new WhereSyntaxError(
        `where="${text}": expected <field> <op> '<value>' ${at(text, position)}` +
          ` (supported: ${OPERATORS.join(' ')} with a quoted value, joined by and, in parentheses or not)`,
      );
    }
    comparisons.push({ field: match[1]!, operator: match[2] as Operator, literal: match[3] ?? match[4] ?? '' });
    position = comparison.lastIndex;
    closeGroup.lastIndex = position;
    while (depth > 0 && closeGroup.test(text)) {
      depth -= 1;
      position = closeGroup.lastIndex;
    }
    if (position === text.length) {
      if (depth > 0) throw new WhereSyntaxError(`where="${text}": ${depth} unclosed parenthesis at the end`);
      return comparisons;
    }
    conjunction.lastIndex = position;
    if (!conjunction.test(text)) {
      throw new WhereSyntaxError(`where="${text}": expected "and" or the end ${at(text, position)}`);
    }
    position = conjunction.lastIndex;
  }
}
