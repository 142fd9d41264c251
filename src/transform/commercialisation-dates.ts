/**
 * The start and end of commercialisation, read from the free text of
 * `date_debut_fin_de_commercialisation` the way the original did: the dd/mm/yyyy dates in it; two
 * dates are start and end; a single date is the start after "depuis le" and the end after "jusqu".
 * Any other text yields no dates (the text stays in the raw record).
 */
import { calendarDate } from './calendar-date.ts';

export interface CommercialisationDates {
  /** As written, dd/mm/yyyy: the original's text columns. */
  readonly start: string | null;
  readonly end: string | null;
}

const DAY_MONTH_YEAR = /\b(\d{2})\/(\d{2})\/(\d{4})\b/g;

export function commercialisationDates(text: string | null): CommercialisationDates {
  const dates = text === null ? [] : [...text.matchAll(DAY_MONTH_YEAR)].map((match) => match[0]);
  const [first, second] = dates;
  if (dates.length === 2) return { start: first!, end: second! };
  if (dates.length === 1) {
    const lower = text!.toLowerCase();
    if (lower.includes('depuis le')) return { start: first!, end: null };
    if (lower.includes('jusqu')) return { start: null, end: first! };
  }
  return { start: null, end: null };
}

/** dd/mm/yyyy as YYYY-MM-DD, or null when it names no calendar day. */
export function dayMonthYearToIso(text: string | null): string | null {
  const match = text === null ? null : /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) return null;
  const [, day, month, year] = match;
  return calendarDate(Number(year), Number(month), Number(day));
}
