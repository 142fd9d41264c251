import { describe, expect, it } from 'vitest';
import { dateLiteralInstant, parseWhere } from './where-clause.ts';

describe('parseWhere', () => {
  it('reads the comparisons the producer sends', () => {
    expect(parseWhere("date_de_publication > '2023-01-01'")).toEqual([
      { field: 'date_de_publication', operator: '>', literal: '2023-01-01' },
    ]);
    expect(parseWhere('date_publication >= \'2026-08-20T10:00:00Z\' AND date_publication<"2026-08-21"')).toEqual([
      { field: 'date_publication', operator: '>=', literal: '2026-08-20T10:00:00Z' },
      { field: 'date_publication', operator: '<', literal: '2026-08-21' },
    ]);
    expect(parseWhere("date_de_publication <= date'2023-06-30' and date_de_publication = '2023-06-30'")).toHaveLength(
      2,
    );
  });

  it("reads the original pipeline's first request", () => {
    expect(parseWhere("date_de_publication > '0001-01-01 00:00:00'")).toEqual([
      { field: 'date_de_publication', operator: '>', literal: '0001-01-01 00:00:00' },
    ]);
  });

  it('reads date literals in any case, with or without a space, single-quoted only', () => {
    expect(parseWhere("date_de_publication >= DATE'2008-12' and date_de_publication < date '2009/01/01'")).toEqual([
      { field: 'date_de_publication', operator: '>=', literal: '2008-12' },
      { field: 'date_de_publication', operator: '<', literal: '2009/01/01' },
    ]);
    expect(() => parseWhere('date_de_publication > date"2023-01-01"')).toThrow(
      "expected <field> <op> '<value>' at character 1",
    );
  });

  it('flattens parentheses, as a pipeline filter is sent: (<filter>) and <window>', () => {
    expect(parseWhere('(categorie_de_produit = "Alimentation") and date_de_publication >= \'2023-01-01\'')).toEqual([
      { field: 'categorie_de_produit', operator: '=', literal: 'Alimentation' },
      { field: 'date_de_publication', operator: '>=', literal: '2023-01-01' },
    ]);
    expect(() => parseWhere("(a = 'x'")).toThrow('1 unclosed parenthesis at the end');
  });

  it('rejects anything else, saying where', () => {
    expect(() => parseWhere('date_de_publication > 2023')).toThrow(
      'where="date_de_publication > 2023": expected <field> <op> \'<value>\' at character 1',
    );
    expect(() => parseWhere("date_de_publication > '2023-01-01' or true")).toThrow(
      'expected "and" or the end at character 36',
    );
    expect(() => parseWhere("date_de_publication > '2023-01-01' and")).toThrow(
      "expected <field> <op> '<value>' at the end",
    );
  });
});

describe('dateLiteralInstant', () => {
  const utc = (iso: string) => Date.parse(iso);

  it('reads the forms ODSQL documents: ISO 8601 dates and datetimes, YYYY/MM/DD, reduced precisions', () => {
    expect(dateLiteralInstant('2020-01-01')).toBe(utc('2020-01-01T00:00:00Z'));
    expect(dateLiteralInstant('2018/04/01')).toBe(utc('2018-04-01T00:00:00Z'));
    expect(dateLiteralInstant('2017-04-03T08:02')).toBe(utc('2017-04-03T08:02:00Z'));
    expect(dateLiteralInstant('2017-04-03T08:02:05')).toBe(utc('2017-04-03T08:02:05Z'));
    expect(dateLiteralInstant('2008-12')).toBe(utc('2008-12-01T00:00:00Z'));
    expect(dateLiteralInstant('1972')).toBe(utc('1972-01-01T00:00:00Z'));
  });

  it('reads a space between date and time, as the original pipeline writes it, down to year 1', () => {
    expect(dateLiteralInstant('0001-01-01 00:00:00')).toBe(utc('0001-01-01T00:00:00Z'));
    expect(dateLiteralInstant('0001-01-01 00:00:00')).toBe(-62_135_596_800_000);
    expect(dateLiteralInstant('2023-06-30 12:34:56')).toBe(dateLiteralInstant('2023-06-30T12:34:56'));
  });

  it('reads a literal without an offset as UTC, and one with Z or an offset as that instant', () => {
    const noon = utc('2023-06-30T12:00:00Z');
    expect(dateLiteralInstant('2023-06-30T12:00:00')).toBe(noon);
    expect(dateLiteralInstant('2023-06-30T12:00:00Z')).toBe(noon);
    expect(dateLiteralInstant('2023-06-30T14:00:00+02:00')).toBe(noon);
    expect(dateLiteralInstant('2023-06-30 14:00+0200')).toBe(noon);
    expect(dateLiteralInstant('2023-06-30T09:00:00-03')).toBe(noon);
  });

  it('keeps fractional seconds, a finer value lying strictly between two milliseconds', () => {
    expect(dateLiteralInstant('2021-05-06T12:34:55.450')).toBe(utc('2021-05-06T12:34:55.450Z'));
    expect(dateLiteralInstant('2021-05-06T12:34:55.4505+00:00')).toBe(utc('2021-05-06T12:34:55.450Z') + 0.5);
    expect(dateLiteralInstant('2021-05-06T12:34:55.450000')).toBe(utc('2021-05-06T12:34:55.450Z'));
    expect(dateLiteralInstant('2021-05-06T12:34:55.5Z')).toBe(utc('2021-05-06T12:34:55.500Z'));
  });

  it('refuses what is not a real date or time', () => {
    for (const literal of [
      '',
      'yesterday',
      '2023-02-30',
      '2023-02-29 00:00:00',
      '2023-13',
      '2023-00-10',
      '2023-06-30 24:00:00',
      '2023-06-30T12:60',
      '2023-06-30T12:00:60',
      '2023-06-30T12:00:00+25:00',
      '2023-06-30T12',
      '2023-06-30Z',
      '30/06/2023',
      '2023/06',
      '2023/06/30T12:00',
      '20230630',
      '23-06-30',
      ' 2023-06-30',
      '2023-06-30T12:00:00.',
    ]) {
      expect(dateLiteralInstant(literal), literal).toBeUndefined();
    }
    expect(dateLiteralInstant('2024-02-29')).toBe(utc('2024-02-29T00:00:00Z'));
  });
});
