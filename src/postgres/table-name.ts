/**
 * The recall table's name, as `--table` gives it: `name` or `schema.name`. Only lower-case
 * unquoted-style identifiers are accepted, so the name means the same table whether a query quotes
 * it or not (the original project's SQL does not); it is still quoted wherever it enters SQL.
 */
import pg from 'pg';
import { MAX_TABLE_NAME_LENGTH, SHEETS_TABLE_SUFFIX } from '../../contract/pipeline-defaults.ts';

export interface TableName {
  /** As given, e.g. `rappel_conso_table` or `staging.recalls`. */
  readonly name: string;
  /** Quoted for SQL, e.g. `"staging"."recalls"`. */
  readonly sql: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function tableName(value: string, field = '--table'): TableName {
  const parts = value.split('.');
  if (
    parts.length > 2 ||
    !parts.every((part) => IDENTIFIER.test(part)) ||
    parts.at(-1)!.length > MAX_TABLE_NAME_LENGTH
  ) {
    throw new Error(
      `${field}=${JSON.stringify(value)}: expected a table name such as rappel_conso_table or schema.table ` +
        `(lower-case letters, digits and _, not starting with a digit; a schema of at most 63 characters, ` +
        `a table of at most ${MAX_TABLE_NAME_LENGTH}, leaving room for its ${SHEETS_TABLE_SUFFIX} table)`,
    );
  }
  return quoted(value);
}

function quoted(name: string): TableName {
  return {
    name,
    sql: name
      .split('.')
      .map((part) => pg.escapeIdentifier(part))
      .join('.'),
  };
}

/** The table beside `table` that keeps every recall sheet, in the same schema. */
export function sheetsTable(table: TableName): TableName {
  return quoted(`${table.name}${SHEETS_TABLE_SUFFIX}`);
}
