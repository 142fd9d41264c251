import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from './src/postgres/copy-text.ts';
import { COLUMN_LIST, countUpserts, rowValues, upsertStatement } from './src/postgres/recall-upsert.ts';
import { copyUpsert } from './src/postgres/copy-upsert.ts';
import { migrate } from './src/postgres/migrate.ts';
import { tableName } from './src/postgres/table-name.ts';
import { latestPerReference } from './src/sink/latest-per-reference.ts';
import { toRecallRow } from './src/sink/to-recall-row.ts';
import { connectedPostgres, realRecords, recallRevision, sinkConnections } from './test/integration/recall-topic-fixture.ts';
import { copyFloorMs } from './bench/copy-floor.ts';
const c = await sinkConnections();
const db = await connectedPostgres(c.postgres);
const rows = latestPerReference(realRecords().map((r) => recallRevision(r))).map(toRecallRow);
const variant = (stagingSetup: string, select: string) => async (client: any, table: any, batch: any[]) => {
  await client.query(`CREATE TEMP TABLE recall_staging ON COMMIT DROP AS SELECT ${COLUMN_LIST} FROM ${table.sql} WITH NO DATA`);
  if (stagingSetup) await client.query(stagingSetup);
  const lines = batch.map((row) => `${rowValues(row).map(copyText).join('\t')}\n`);
  await pipeline(Readable.from(lines), client.query(copyFrom(`COPY recall_staging (${COLUMN_LIST}) FROM STDIN`)));
  const result = await client.query(upsertStatement(table, select));
  return countUpserts(result.rows);
};
const writers: Record<string, any> = {
  current: copyUpsert,
  stagingExternal: variant(`ALTER TABLE recall_staging ALTER COLUMN raw SET STORAGE EXTERNAL`, `SELECT ${COLUMN_LIST} FROM recall_staging`),
  stagingMain: variant(`ALTER TABLE recall_staging ALTER COLUMN raw SET STORAGE MAIN`, `SELECT ${COLUMN_LIST} FROM recall_staging`),
};
for (let round = 0; round < 3; round++) {
  const t0 = tableName(`exp_floor_${Date.now()}`); await migrate(db, t0);
  const floor = await copyFloorMs(db, t0.sql, rows); await db.query(`DROP TABLE ${t0.sql}`);
  const out = [`floor ${Math.round(floor)}`];
  for (const [name, w] of Object.entries(writers)) {
    const t = tableName(`exp_${name.toLowerCase()}_${Date.now()}`); await migrate(db, t);
    const s = performance.now();
    for (let i = 0; i < rows.length; i += 1000) { await db.query('BEGIN'); await w(db, t, rows.slice(i, i + 1000)); await db.query('COMMIT'); }
    out.push(`${name} ${Math.round(performance.now() - s)}`);
    await db.query(`DROP TABLE ${t.sql}`);
  }
  console.log(out.join('  '));
}
await db.end();
