/**
 * The recall table's name, as `--table` gives it: `name` or `schema.name`. Only lower-case
 * unquoted-style identifiers are accepted, so the name means the same table whether a query quotes
 * it or not (the original project's SQL does not); it is still quoted wherever it enters SQL.
 */
import pg from 'pg';

export interface TableName {
  /** As given, e.g. `rappel_conso_table` or `staging.recalls`. */
  readonly name: string;
  /** Quoted for SQL, e.g. `"staging"."recalls"`. */
  readonly sql: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function tableName(value: string, field = '--table'): TableName {
  const parts = value.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new Error(
      `${field}=${JSON.stringify(value)}: expected a table name such as rappel_conso_table or schema.table ` +
        '(lower-case letters, digits and _, not starting with a digit, at most 63 characters each)',
    );
  }
  return { name: value, sql: parts.map((part) => pg.escapeIdentifier(part)).join('.') };
}
