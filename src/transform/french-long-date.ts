/**
 * Reads the French long dates of `date_de_fin_de_la_procedure_de_rappel` ("dimanche 31 octobre
 * 2021", "1er mars 2022"). The source writes one fixed pattern, so a month table is all it takes;
 * the weekday is optional and not checked, because the day of the month is what the text means.
 */
import { calendarDate } from './calendar-date.ts';

const MONTHS: Readonly<Record<string, number>> = {
  janvier: 1,
  fevrier: 2,
  mars: 3,
  avril: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  aout: 8,
  septembre: 9,
  octobre: 10,
  novembre: 11,
  decembre: 12,
};

const LONG_DATE =
  /^(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?(\d{1,2})(?:er)?\s+([a-z]+)\s+(\d{4})$/;

/** YYYY-MM-DD, or null when the text is not such a date (the text itself is kept elsewhere). */
export function parseFrenchLongDate(text: string | null): string | null {
  if (text === null) return null;
  // Accents folded so "février" and "fevrier" both read, as people write both.
  const folded = text.trim().toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
  const match = LONG_DATE.exec(folded);
  if (!match) return null;
  const [, day, monthName, year] = match;
  const month = MONTHS[monthName!];
  return month === undefined ? null : calendarDate(Number(year), month, Number(day));
}
