/**
 * One RecallPipeline on the running kind cluster (`npm run kind:up`), as the end-to-end tier
 * deploys it: Kafka in external mode pointing at a broker in the namespace, `recall api` in a pod
 * serving the 8,810 real records, managed PostgreSQL and Airflow. It measures
 *
 * - `kubectl apply` → the Ready condition, and → the run on create ended with every row loaded;
 * - a DAG run triggered through Airflow's REST API (the generated login, a port-forward): Airflow's
 *   own start→end of the run and of each task, and how long the operator takes to show it in the
 *   status;
 * - the memory of every pod of the namespace against its requests and limits, from the nodes'
 *   cgroups, sampled over the whole benchmark (bench/cgroup-memory-sampler.ts).
 *
 * The namespace, `bench-cluster-<time>`, is deleted at the end without waiting.
 */
import { AIRFLOW_API_PORT } from '../../charts/airflow-construct.ts';
import type { RecallPipelineStatus } from '../../contract/recall-pipeline/status-schema.ts';
import { airflowLogin } from '../../test/e2e/airflow-login.ts';
import { AirflowRest, type DagRun, type TaskInstance } from '../../test/e2e/airflow-rest.ts';
import { deployPipelineSources, externalModePipeline } from '../../test/e2e/external-mode-pipeline.ts';
import { apply, createNamespace, eventually, kubectl } from '../../test/e2e/kind-fixture.ts';
import { portForward, type PortForward } from '../../test/e2e/port-forward.ts';
import { readJsonLines } from '../../test/original-rows.ts';
import { RAPPELCONSO0_RECORDS } from '../../test/real-data.ts';
import { CgroupMemorySampler } from '../cgroup-memory-sampler.ts';
import { PipelineStatusWatch } from '../pipeline-status-watch.ts';
import { podMemoryLines } from '../pod-memory-table.ts';
import { PodRegistry } from '../pod-registry.ts';
import { seconds, table, type BenchSuite } from '../suite.ts';

const PIPELINE = 'recalls';
const MINUTE = 60_000;

const isReady = (status: RecallPipelineStatus) =>
  status.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True');

/** ISO times by Airflow's clock → milliseconds between them. */
function between(start: string | null | undefined, end: string | null | undefined): number | undefined {
  return start && end ? Date.parse(end) - Date.parse(start) : undefined;
}

function maybeSeconds(milliseconds: number | undefined): string {
  return milliseconds === undefined ? '-' : seconds(milliseconds);
}

async function nodeNames(): Promise<string[]> {
  return (await kubectl('get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter(Boolean);
}

type LastRun = NonNullable<RecallPipelineStatus['lastRun']>;

function printAirflowRun(
  print: (line: string) => void,
  run: DagRun,
  tasks: readonly TaskInstance[],
  figures: { triggered: number; endSeen: number; inStatus: number; lastRun: LastRun | undefined },
): void {
  const airflowEnd = run.end_date ? Date.parse(run.end_date) : undefined;
  const recordedEnd = figures.lastRun?.completionTime ? Date.parse(figures.lastRun.completionTime) : undefined;
  for (const line of table(
    ['measure', 'figure'],
    [
      ['DAG run', `${run.dag_run_id}: ${run.state}`],
      ['trigger (REST) → the client sees it end (polling each second)', seconds(figures.endSeen - figures.triggered)],
      ['Airflow’s start_date → end_date of the DAG run', maybeSeconds(between(run.start_date, run.end_date))],
      [
        `the run in the status (lastRun ${figures.lastRun?.number ?? '?'}, from the task pods): startTime → completionTime`,
        maybeSeconds(between(figures.lastRun?.startTime, figures.lastRun?.completionTime)),
      ],
      [
        // The operator reads the task pods, not Airflow's database: it may show the run before
        // Airflow has written the run's end, hence a figure below zero.
        'Airflow’s end_date of the DAG run → the operator shows it (negative: the operator first)',
        maybeSeconds(airflowEnd === undefined ? undefined : figures.inStatus - airflowEnd),
      ],
      [
        'status.lastRun.completionTime (whole seconds) → the operator shows it',
        maybeSeconds(recordedEnd === undefined ? undefined : figures.inStatus - recordedEnd),
      ],
      ['trigger (REST) → the operator shows it', seconds(figures.inStatus - figures.triggered)],
      [
        'records',
        `produced ${figures.lastRun?.recordsProduced ?? '-'}, loaded ${figures.lastRun?.recordsLoaded ?? '-'}, succeeded ${String(figures.lastRun?.succeeded)}`,
      ],
    ],
  ))
    print(line);
  print('');
  for (const line of table(
    ['task', 'state', 'try', 'queued → start', 'start → end (Airflow’s duration)'],
    tasks.map((task) => [
      task.task_id,
      task.state ?? '-',
      String(task.try_number),
      maybeSeconds(between(task.queued_when, task.start_date)),
      maybeSeconds(task.duration == null ? between(task.start_date, task.end_date) : task.duration * 1000),
    ]),
  ))
    print(line);
}

export const clusterSuite: BenchSuite = {
  name: 'cluster',
  description:
    'one RecallPipeline on the kind cluster: apply → Ready → rows loaded, an Airflow-triggered run, every pod’s peak memory against its requests and limits',

  async run(print) {
    const records = readJsonLines<{ reference_fiche?: unknown }>(RAPPELCONSO0_RECORDS);
    const references = new Set(records.map((record) => record.reference_fiche)).size;
    const namespace = await createNamespace('cluster', 'bench');
    const ns = namespace.name;
    print(`namespace ${ns}, pipeline ${PIPELINE}, ${records.length.toLocaleString('en')} records`);
    const pods = PodRegistry.start(ns);
    const sampler = await CgroupMemorySampler.start(await nodeNames());
    let watch: PipelineStatusWatch | undefined;
    let forward: PortForward | undefined;
    try {
      const sources = await deployPipelineSources(ns, RAPPELCONSO0_RECORDS);

      // 1. apply → Ready, and → the run on create ended with every row in the table.
      watch = await PipelineStatusWatch.start(ns, PIPELINE);
      const ready = watch.when('the Ready condition', isReady, 15 * MINUTE);
      const created = watch.when(
        'run 1 to end',
        (status) => (status.lastRun?.number === 1 && status.lastRun.completionTime ? status : undefined),
        20 * MINUTE,
      );
      const applied = Date.now();
      await apply([externalModePipeline(ns, PIPELINE, sources)]);
      const readyAt = (await ready).at;
      const { at: loadedAt, value: loaded } = await created;
      const lastRun = loaded.lastRun!;
      const runTime = between(lastRun.startTime, lastRun.completionTime);
      for (const line of table(
        ['measure', 'figure'],
        [
          ['kubectl apply → Ready condition', seconds(readyAt - applied)],
          [
            'kubectl apply → run on create ended (status.lastRun 1 with completionTime)',
            `${seconds(loadedAt - applied)} (the run itself, startTime → completionTime: ${maybeSeconds(runTime)})`,
          ],
          ['run 1', `runner ${lastRun.runner ?? '-'}, succeeded ${String(lastRun.succeeded)}`],
          [
            'rows',
            `status.totalRecordsLoaded ${loaded.totalRecordsLoaded ?? '-'}; distinct references of the records ` +
              `${references} (${loaded.totalRecordsLoaded === references ? 'equal' : 'DIFFERENT'}); ` +
              `recordsProduced ${lastRun.recordsProduced}, recordsLoaded ${lastRun.recordsLoaded}`,
          ],
        ],
      ))
        print(line);
      print('');

      // 2. A DAG run triggered through the REST API, as a user's Trigger button.
      forward = await portForward(ns, `svc/${PIPELINE}-airflow-api-server`, AIRFLOW_API_PORT);
      const login = await airflowLogin(ns, PIPELINE);
      const airflow = await AirflowRest.login(forward.url, login.username, login.password);
      await eventually(
        'the dag-processor to parse the DAG',
        () => airflow.dag(PIPELINE).catch(() => undefined),
        5 * MINUTE,
      );
      const triggered = Date.now();
      const run = await airflow.trigger(PIPELINE);
      const shown = watch.when(
        `the DAG run ${run.dag_run_id} in the status`,
        (status) =>
          status.lastRun?.airflowRunId === run.dag_run_id && status.lastRun.completionTime ? status : undefined,
        20 * MINUTE,
      );
      const ended = await eventually(
        'the DAG run to end',
        async () => {
          const current = await airflow.dagRun(PIPELINE, run.dag_run_id);
          return current.state === 'success' || current.state === 'failed' ? current : undefined;
        },
        15 * MINUTE,
      );
      const endSeen = Date.now();
      const tasks = await airflow.taskInstances(PIPELINE, run.dag_run_id);
      const inStatus = await shown;
      printAirflowRun(print, ended, tasks, {
        triggered,
        endSeen,
        inStatus: inStatus.at,
        lastRun: inStatus.value.lastRun,
      });
      print('');
    } finally {
      forward?.stop();
      watch?.stop();
      // 3. Memory, sampled since the namespace was created; also when a step failed, since it may say why.
      const memory = await sampler.stop();
      for (const line of podMemoryLines(await pods.stop(), memory, sampler.lastError)) print(line);
      await namespace.remove();
    }
  },
};
