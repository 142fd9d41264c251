import { describe, expect, it } from 'vitest';
import { parseFrenchLongDate } from './french-long-date.ts';

describe('parseFrenchLongDate', () => {
  it.each([
    ['dimanche 31 octobre 2021', '2021-10-31'],
    ['vendredi 9 avril 2021', '2021-04-09'],
    ['lundi 16 août 2021', '2021-08-16'],
    ['Mardi 1er février 2022', '2022-02-01'],
    ['  25 decembre 2020 ', '2020-12-25'],
  ])('reads %j as %s', (text, iso) => {
    expect(parseFrenchLongDate(text)).toBe(iso);
  });

  it.each([null, '', 'jeudi 31 février 2022', 'mercredi 3 brumaire 2021', '03/05/2021', 'dès que possible'])(
    'gives null for %j',
    (text) => {
      expect(parseFrenchLongDate(text)).toBeNull();
    },
  );
});
