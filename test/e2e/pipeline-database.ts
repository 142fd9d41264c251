/**
 * The pipeline's PostgreSQL as users reach it: psql in its own pod, through `kubectl exec`.
 */
import { DEFAULT_TABLE } from '../../contract/pipeline-defaults.ts';
import { kubectl } from './kind-fixture.ts';
import { originalColumnsQuery, parseOriginalColumns, PSQL_ROW_PER_LINE } from './scenario-data.ts';

function psql(namespace: string, pipeline: string, sql: string): Promise<string> {
  return kubectl(
    'exec',
    `${pipeline}-postgres-0`,
    '-n',
    namespace,
    '--',
    'psql',
    '--username=recall',
    '--dbname=recall',
    ...PSQL_ROW_PER_LINE,
    '--command',
    sql,
  );
}

export async function tableCount(namespace: string, pipeline: string, table = DEFAULT_TABLE): Promise<number> {
  return Number((await psql(namespace, pipeline, `SELECT count(*) FROM ${table}`)).trim());
}

/** Every row of the table, its 25 original columns, as scenario-data.ts compares them. */
export async function tableRows(
  namespace: string,
  pipeline: string,
  table = DEFAULT_TABLE,
): Promise<Record<string, unknown>[]> {
  return parseOriginalColumns(await psql(namespace, pipeline, originalColumnsQuery(table)));
}
