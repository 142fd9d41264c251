import { describe, expect, it } from 'vitest';
import { commercialisationDates, dayMonthYearToIso } from './commercialisation-dates.ts';

describe('commercialisationDates', () => {
  it.each([
    ['Du 15/02/2021 au 10/03/2021', { start: '15/02/2021', end: '10/03/2021' }],
    ['Depuis le 17/02/2021', { start: '17/02/2021', end: null }],
    ["Jusqu'au 12/10/2021", { start: null, end: '12/10/2021' }],
    ['Le 12/10/2021', { start: null, end: null }],
    ['Du 01/01/2021 au 02/01/2021 puis du 03/01/2021', { start: null, end: null }],
    [null, { start: null, end: null }],
  ])('reads %j', (text, dates) => {
    expect(commercialisationDates(text)).toEqual(dates);
  });

  it('turns dd/mm/yyyy into a calendar date, or null when no such day exists', () => {
    expect(dayMonthYearToIso('15/02/2021')).toBe('2021-02-15');
    expect(dayMonthYearToIso('30/02/2021')).toBeNull();
    expect(dayMonthYearToIso(null)).toBeNull();
  });
});
