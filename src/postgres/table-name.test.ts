import { describe, expect, it } from 'vitest';
import { sheetsTable, tableName } from './table-name.ts';

describe('tableName', () => {
  it('quotes a plain or schema-qualified name', () => {
    expect(tableName('rappel_conso_table')).toEqual({ name: 'rappel_conso_table', sql: '"rappel_conso_table"' });
    expect(tableName('sink.recalls')).toEqual({ name: 'sink.recalls', sql: '"sink"."recalls"' });
  });

  it('names the sheets table beside it, in the same schema', () => {
    expect(sheetsTable(tableName('sink.recalls'))).toEqual({
      name: 'sink.recalls_sheets',
      sql: '"sink"."recalls_sheets"',
    });
    expect(sheetsTable(tableName(`t${'x'.repeat(55)}`)).name).toHaveLength(63);
  });

  it.each(['', 'Recalls', 'a.b.c', '1table', 'drop table x;--', `t${'x'.repeat(56)}`])(
    'refuses %j, naming the flag and the value',
    (value) => {
      expect(() => tableName(value)).toThrow(`--table=${JSON.stringify(value)}: expected a table name`);
    },
  );
});
