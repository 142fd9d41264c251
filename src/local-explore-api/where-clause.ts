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

// ODSQL is case insensitive (DATE'2008-12' and date'2008-12' alike), and a date literal is the
// keyword followed by a single-quoted value only.
const comparison = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<|=)\s*(?:date\s*'([^']*)'|'([^']*)'|"([^"]*)")\s*/iy;
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
    comparisons.push({
      field: match[1]!,
      operator: match[2] as Operator,
      literal: match[3] ?? match[4] ?? match[5] ?? '',
    });
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

/*
 * Date literals. ODSQL's reference (Explore API v2.1, "Language elements > Date literal") defines
 * `date'<value>'` where the value is an ISO 8601 date or a slash-separated YYYY/MM/DD, with
 * examples date'2017-04-03T08:02', date'2018/04/01', date'2020-01-01'; the v2 where examples also
 * use reduced precisions, date'1972' and DATE'2008-12'. The real API also compares a plain quoted
 * value with a date field (the original pipeline's `date_de_publication > '0001-01-01 00:00:00'`),
 * so both spellings go through the same reading, including the space that pipeline puts between
 * date and time (not ISO 8601, but RFC 3339's allowed variant of it).
 *
 * Timezone: a value without an offset is read in UTC, the default of the API's `timezone`
 * parameter (which this local API does not take) and the zone Opendatasoft assumes for datetimes
 * given without one. A value with an offset denotes that instant. A reduced value (a year, a month,
 * a day) denotes the first instant of that period (the docs do not say; this keeps every literal
 * one instant), so it compares with a date field's day, itself midnight UTC, instant against instant.
 */
const isoDate =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;
const slashDate = /^(\d{4})\/(\d{2})\/(\d{2})$/;

export const DATE_LITERAL_FORMS =
  'YYYY, YYYY-MM, YYYY-MM-DD, YYYY/MM/DD, or YYYY-MM-DDThh:mm[:ss[.fff]] (T or a space) with an optional Z or ±hh:mm';

function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = zone.length > 3 ? Number(zone.slice(-2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * Epoch milliseconds of the instant a date literal denotes, or undefined when it is not one.
 * A value finer than a millisecond comes back half a millisecond past its floor: it then lies
 * strictly between two record instants (whole milliseconds), so >, >=, <, <= and = all stay exact.
 */
export function dateLiteralInstant(literal: string): number | undefined {
  const iso = isoDate.exec(literal);
  const slash = iso ? null : slashDate.exec(literal);
  if (!iso && !slash) return undefined;
  const part = (index: number, absent: number): number => {
    const text = iso ? iso[index] : index <= 3 ? slash![index] : undefined;
    return text === undefined ? absent : Number(text);
  };
  const [year, month, day] = [part(1, 0), part(2, 1), part(3, 1)];
  const [hour, minute, second] = [part(4, 0), part(5, 0), part(6, 0)];
  const fraction = (iso?.[7] ?? '').padEnd(3, '0');
  const offset = offsetMinutes(iso?.[8]);
  if (offset === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  const instant = new Date(0);
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999 (0001-01-01 is a real request).
  instant.setUTCFullYear(year, month - 1, day);
  // A day or month out of range rolls over (2023-02-30 becomes March 2nd); a real one reads back as given.
  if (instant.getUTCFullYear() !== year || instant.getUTCMonth() !== month - 1 || instant.getUTCDate() !== day) {
    return undefined;
  }
  instant.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3)));
  const finer = /[1-9]/.test(fraction.slice(3)) ? 0.5 : 0;
  return instant.getTime() - offset * 60_000 + finer;
}
