/**
 * The whole pipeline as a user runs it (`recall pipeline --data`, a child process): the 8,810 real
 * records from the local RappelConso API through Kafka into an empty PostgreSQL table, then a run
 * with nothing new; beside them, in the same run, the physical floor (a plain COPY of the same final
 * rows). Pipeline time runs from the start of the producer and the consumer (side by side) to the
 * consumer having caught up, without process start-up; the consumer's tail is the part after the
 * producer finished.
 */
import os from 'node:os';
import { copyFloorMs } from '../copy-floor.ts';
import { daemonCpuMs } from '../daemon-cpu.ts';
import { runRecallInChild } from '../recall-child.ts';
import { migrate } from '../../src/postgres/migrate.ts';
import { tableName } from '../../src/postgres/table-name.ts';
import { latestPerKey } from '../../src/transform/latest-rows.ts';
import { toRecallRow } from '../../src/transform/to-recall-row.ts';
import {
  connectedPostgres,
  deleteRecallTopics,
  dropRecallTable,
  kafkaClient,
  realRecords,
  recallRevision,
  sinkConnections,
  uniqueName,
} from '../../test/integration/recall-topic-fixture.ts';
import { RAPPELCONSO0_RECORDS } from '../../test/real-data.ts';
import { seconds, table, type BenchSuite } from '../suite.ts';

/** The run's time and when its producer finished, from the command's last line. */
function stageTimes(stdout: string): { pipelineMs: number; producerMs: number } {
  const match = /^pipeline: ([\d.]+) s \(producer finished after ([\d.]+) s\)$/m.exec(stdout);
  if (match === null) throw new Error(`unexpected output:\n${stdout}`);
  return { pipelineMs: Number(match[1]) * 1000, producerMs: Number(match[2]) * 1000 };
}

export const pipelineSuite: BenchSuite = {
  name: 'pipeline',
  description: 'full load of the 8,810 real records (local API → Kafka → PostgreSQL) vs the COPY floor; empty run',

  async run(print) {
    const connections = await sinkConnections();
    const db = await connectedPostgres(connections.postgres);
    const pipeline = uniqueName('bench-pipeline', '-');
    const loadTable = uniqueName('bench_pipeline');
    const floorTable = uniqueName('bench_floor');
    try {
      const args = ['pipeline', '--pipeline', pipeline, '--data', RAPPELCONSO0_RECORDS, '--topic', pipeline];
      const daemonsBefore = daemonCpuMs(['kafka', 'postgres']);
      const full = await runRecallInChild([...args, '--table', loadTable], connections.env);
      const daemonsAfter = daemonCpuMs(['kafka', 'postgres']);
      const empty = await runRecallInChild([...args, '--table', loadTable], connections.env);

      const rows = latestPerKey(
        realRecords().map((raw) => toRecallRow(recallRevision(raw))),
        'reference_fiche',
      );
      await migrate(db, tableName(floorTable));
      const floor = await copyFloorMs(db, tableName(floorTable).sql, rows);

      const fullStages = stageTimes(full.stdout);
      const fullMs = fullStages.pipelineMs;
      const emptyStages = stageTimes(empty.stdout);
      const emptyMs = emptyStages.pipelineMs;
      const rate = (ms: number) => `${Math.round(8810 / (ms / 1000)).toLocaleString('en')} records/s`;
      for (const line of table(
        [
          'run',
          'pipeline time',
          'producer',
          'consumer tail',
          'process wall',
          'throughput',
          'vs COPY floor',
          'peak RSS',
        ],
        [
          [
            'full load, 8,810 records',
            seconds(fullMs),
            seconds(fullStages.producerMs),
            seconds(fullMs - fullStages.producerMs),
            seconds(full.wallMs),
            rate(fullMs),
            `${(fullMs / floor).toFixed(1)}×`,
            `${full.maxRssMiB.toFixed(0)} MiB`,
          ],
          [
            'next run, nothing new',
            seconds(emptyMs),
            seconds(emptyStages.producerMs),
            seconds(emptyMs - emptyStages.producerMs),
            seconds(empty.wallMs),
            '-',
            '-',
            `${empty.maxRssMiB.toFixed(0)} MiB`,
          ],
          ['plain COPY of the 8,803 final rows (floor)', seconds(floor), '', '', '', rate(floor), '1.0×', ''],
        ],
      ))
        print(line);

      // Where the time goes: the run is CPU-bound, so its wall time cannot fall below the CPU
      // seconds every process spent, shared over the machine's cores.
      const spent = (name: string) => daemonsAfter.get(name)! - daemonsBefore.get(name)!;
      const cpuTotal = full.cpuMs + spent('kafka') + spent('postgres');
      const cores = os.availableParallelism();
      print('');
      print(
        `CPU during the full load: recall process ${seconds(full.cpuMs)} (start-up included), Kafka ${seconds(spent('kafka'))}, ` +
          `PostgreSQL ${seconds(spent('postgres'))}; ${seconds(cpuTotal)} in all over ${cores} cores = ` +
          `${seconds(cpuTotal / cores)} of wall time at the least, against ${seconds(full.wallMs)} measured`,
      );
    } finally {
      await dropRecallTable(db, loadTable);
      await dropRecallTable(db, floorTable);
      await db.query('DELETE FROM producer_checkpoints WHERE pipeline = $1', [pipeline]).catch(() => undefined);
      await db.end();
      const admin = kafkaClient(connections.kafka).admin();
      await admin.connect();
      await deleteRecallTopics(admin, pipeline);
      await admin.disconnect();
    }
  },
};
