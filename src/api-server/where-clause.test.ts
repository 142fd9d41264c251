import { describe, expect, it } from 'vitest';
import { parseWhere } from './where-clause.ts';

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
