/**
 * A user's day with a RecallPipeline on the real cluster, applied with kubectl as users apply it:
 * Kafka in external mode pointing at a broker running in the cluster, managed PostgreSQL, Airflow,
 * and the run on create. The source is `recall api` in a pod of the cluster, serving the scenario's
 * records (`npm run e2e:kind --data FILE --expected FILE`; the shared real records by default), and
 * every count checked is derived from those files.
 *
 * The day: the data lands exactly; Airflow, reached as its users reach it (the login in its Secret,
 * a port-forward, its REST API and a real browser), runs the DAG; that run reaches the pipeline's
 * status; the user edits the schedule, suspends and resumes, and asks for a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RUN_NOW_ANNOTATION } from '../../contract/recall-pipeline/group.ts';
import { AIRFLOW_API_PORT } from '../../charts/airflow-construct.ts';
import { METRICS_PORT } from '../../charts/operator-install.ts';
import { DEFAULT_PIPELINE_IMAGE, DEFAULT_TOPIC } from '../../contract/pipeline-defaults.ts';
import { OPERATOR_NAMESPACE, operatorLeader } from '../infra/cluster/kind-cluster.ts';
import { envContext } from '../infra/context.ts';
import { pipelineSamples } from '../pipeline-samples.ts';
import { testOutputDir } from '../test-output.ts';
import { airflowLogin } from './airflow-login.ts';
import { AirflowRest } from './airflow-rest.ts';
import { checkAirflowUi } from './airflow-ui.ts';
import { deployPipelineSources, externalModePipeline } from './external-mode-pipeline.ts';
import { kafkaBootstrapServers } from './kafka-broker.ts';
import { apply, createNamespace, eventually, kubectl, kubectlJson, requireCluster } from './kind-fixture.ts';
import { tableRows } from './pipeline-database.ts';
import { runEnded as runEndedOf } from './pipeline-status.ts';
import { nodeScriptPod, waitForPodPhase } from './pods.ts';
import { portForward } from './port-forward.ts';
import { scenarioData } from './scenario-data.ts';

const PIPELINE = 'recalls';

interface LastRun {
  number: number;
  runner?: string;
  airflowRunId?: string;
  trigger?: string;
  completionTime?: string;
  succeeded?: boolean;
  recordsProduced?: number;
  recordsLoaded?: number;
}

interface PipelineStatus {
  phase?: string;
  totalRecordsLoaded?: number;
  checkpoint?: string;
  lastRun?: LastRun;
}

interface JobList {
  items: {
    metadata: { name: string };
    spec: { template: { spec: { containers: { image: string }[] } } };
    status: { succeeded?: number };
  }[];
}

interface PodList {
  items: {
    metadata: { name: string };
    status: {
      phase: string;
      conditions?: { type: string; status: string }[];
      containerStatuses?: { name: string; state: { waiting?: { reason: string } } }[];
      initContainerStatuses?: { name: string; state: { waiting?: { reason: string } } }[];
    };
  }[];
}

/** Container states that mean a pod cannot start: its image, or its program, is wrong. */
const BROKEN =
  /ImagePullBackOff|ErrImagePull|ErrImageNeverPull|CrashLoopBackOff|CreateContainerConfigError|InvalidImageName/;

/** The steps' summary lines (src/producer/produce-command.ts, src/consumer/run-consumer.ts) for a run with nothing new. */
const NOTHING_SENT = /topic \S+: fetched \d+, sent 0, dead-lettered 0/;
const nothingLoaded = (tableRows: number) =>
  new RegExp(`upserted=0 \\(inserted=0 updated=0\\).* table-rows=${tableRows}\\b`);

describe('a user’s day with a RecallPipeline on the real cluster', () => {
  let namespace: Awaited<ReturnType<typeof createNamespace>>;
  const expectedRows = scenarioData.expectedTableRows;

  beforeAll(async () => {
    requireCluster();
    namespace = await createNamespace('pipeline');
    const ns = namespace.name;
    await apply([externalModePipeline(ns, PIPELINE, await deployPipelineSources(ns, scenarioData.dataFile))]);
  });

  afterAll(async () => {
    await namespace?.remove();
  });

  const status = async (): Promise<PipelineStatus> =>
    (await kubectlJson<{ status?: PipelineStatus }>('get', 'rp', PIPELINE, '-n', namespace.name)).status ?? {};

  const patch = (body: object) =>
    kubectl('patch', 'rp', PIPELINE, '-n', namespace.name, '--type=merge', '--patch', JSON.stringify(body));

  /** Airflow's REST API through a port-forward to its Service, for the time of `use`. */
  async function withAirflow<T>(use: (airflow: AirflowRest, url: string) => Promise<T>): Promise<T> {
    const forward = await portForward(namespace.name, `svc/${PIPELINE}-airflow-api-server`, AIRFLOW_API_PORT);
    try {
      const { username, password } = await airflowLogin(namespace.name, PIPELINE);
      return await use(await AirflowRest.login(forward.url, username, password), forward.url);
    } finally {
      forward.stop();
    }
  }

  const runEnded = (number: number) => runEndedOf(namespace.name, PIPELINE, number);

  it('becomes Ready (kubectl wait), then its Jobs, real pods of our image, load the table exactly', async () => {
    const ns = namespace.name;
    await kubectl('wait', '--for=condition=Ready', `rp/${PIPELINE}`, '-n', ns, '--timeout=900s');
    const done = await runEnded(1);
    expect(done.lastRun).toMatchObject({ runner: 'Jobs', succeeded: true, recordsProduced: scenarioData.recordCount });
    expect(done.totalRecordsLoaded).toBe(expectedRows);

    const jobs = await kubectlJson<JobList>('get', 'jobs', '-n', ns);
    const runJobs = jobs.items.filter((job) => /-(produce|consume)-1$/.test(job.metadata.name));
    expect(runJobs.map((job) => job.metadata.name).sort()).toEqual([`${PIPELINE}-consume-1`, `${PIPELINE}-produce-1`]);
    for (const job of runJobs) {
      expect(job.spec.template.spec.containers[0]!.image).toBe(DEFAULT_PIPELINE_IMAGE);
      expect(job.status.succeeded).toBe(1);
    }
    // What `kubectl get rp` prints: the Records and Last Run columns.
    const columns = await kubectl('get', 'rp', PIPELINE, '-n', ns);
    expect(columns).toMatch(/RECORDS\s+LAST RUN/);
    expect(columns).toMatch(new RegExp(`\\b${expectedRows}\\s+\\d+[smhd]`));

    // psql through kubectl exec: the 25 original columns of every reference's row, exactly.
    expect(scenarioData.differencesFrom(await tableRows(ns, PIPELINE))).toEqual([]);
  });

  it('created its topics in the in-cluster broker', async () => {
    const ns = namespace.name;
    await apply([
      nodeScriptPod({
        name: 'list-topics',
        namespace: ns,
        recall: ['check', '--only', 'kafka'],
        env: { KAFKA_BROKERS: kafkaBootstrapServers(ns) },
      }),
    ]);
    await waitForPodPhase(ns, 'list-topics', 'Succeeded');
    const checked = await kubectl('logs', 'list-topics', '-n', ns);
    const topics = /; topics: (.*)$/m.exec(checked)?.[1]?.split(', ') ?? [];
    expect(topics).toContain(DEFAULT_TOPIC);
    expect(topics.some((topic) => topic !== DEFAULT_TOPIC && topic.startsWith(DEFAULT_TOPIC))).toBe(true);
  });

  it('starts every pod it creates: none waits on its image or crash-loops, Airflow’s four are Ready', async () => {
    const ns = namespace.name;
    const pods = await eventually(
      'every pod of the pipeline to run',
      async () => {
        const list = await kubectlJson<PodList>('get', 'pods', '-n', ns);
        const broken = list.items.flatMap((pod) =>
          [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]
            .filter((container) => BROKEN.test(container.state.waiting?.reason ?? ''))
            .map((container) => `${pod.metadata.name}/${container.name}: ${container.state.waiting!.reason}`),
        );
        if (broken.length > 0) throw new Error(`pods that cannot start: ${broken.join(', ')}`);
        const settled = list.items.every(
          (pod) =>
            pod.status.phase === 'Succeeded' ||
            (pod.status.phase === 'Running' &&
              pod.status.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True')),
        );
        return settled ? list.items : undefined;
      },
      600_000,
    );
    const names = pods.map((pod) => pod.metadata.name);
    for (const part of [
      'postgres',
      'airflow-scheduler',
      'airflow-dag-processor',
      'airflow-triggerer',
      'airflow-api-server',
    ]) {
      expect(
        names.some((name) => name.startsWith(`${PIPELINE}-${part}`)),
        part,
      ).toBe(true);
    }
  });

  it('runs the DAG Airflow parsed when triggered through its REST API: produce then consume as pods, 0 new rows, said in the task logs and in the status', async () => {
    const ns = namespace.name;
    const before = (await status()).lastRun!.number;
    const run = await withAirflow(async (airflow) => {
      const dag = await eventually(
        'the dag-processor to parse the DAG',
        () => airflow.dag(PIPELINE).catch(() => undefined),
        300_000,
      );
      expect(dag.is_paused).toBe(false);
      // Created after the run on create, the DAG started nothing by itself: its first run is the next scheduled time.
      expect(await airflow.dagRuns(PIPELINE)).toEqual([]);

      const triggered = await airflow.trigger(PIPELINE);
      const ended = await eventually(
        'the DAG run to end',
        async () => {
          const current = await airflow.dagRun(PIPELINE, triggered.dag_run_id);
          return current.state === 'success' || current.state === 'failed' ? current : undefined;
        },
        900_000,
      );
      expect(ended.state).toBe('success');
      // Served by the scheduler's log server to the api-server, as Airflow's UI reads them.
      expect(await airflow.taskLog(PIPELINE, ended.dag_run_id, 'produce')).toMatch(NOTHING_SENT);
      const consumeLog = await airflow.taskLog(PIPELINE, ended.dag_run_id, 'consume');
      expect(consumeLog).toMatch(nothingLoaded(expectedRows));
      // Only what the step says: no runtime warning in the log users read.
      expect(consumeLog).not.toMatch(/Warning:/);
      return ended;
    });

    const shown = await runEnded(before + 1);
    expect(shown.lastRun).toMatchObject({
      runner: 'Airflow',
      airflowRunId: run.dag_run_id,
      succeeded: true,
      recordsProduced: 0,
      recordsLoaded: 0,
    });
    expect(shown.totalRecordsLoaded).toBe(expectedRows);
    expect(shown.checkpoint).toBeTruthy();
    // The operator's /metrics, scraped from the leader as Prometheus would, says the same.
    const leader = await eventually('the operator leader', () => operatorLeader(envContext()));
    const metrics = await portForward(OPERATOR_NAMESPACE, `pod/${leader}`, METRICS_PORT);
    try {
      const samples = await eventually('the run in the operator’s metrics', async () => {
        const scraped = pipelineSamples(await (await fetch(`${metrics.url}/metrics`)).text(), ns, PIPELINE);
        return scraped['recall_pipeline_runs_total{result="succeeded",runner="Airflow"}'] === 1 ? scraped : undefined;
      });
      expect(samples).toMatchObject({
        recall_pipeline_ready: 1,
        recall_pipeline_last_run_succeeded: 1,
        recall_pipeline_last_run_records_produced: 0,
        recall_pipeline_last_run_records_loaded: 0,
        recall_pipeline_table_rows: expectedRows,
        recall_pipeline_last_success_timestamp_seconds: Date.parse(shown.lastRun!.completionTime!) / 1000,
      });
    } finally {
      metrics.stop();
    }
    // The operator deleted the pods once their run was in the status.
    await eventually('the DAG run’s pods to be deleted', async () => {
      const left = await kubectl('get', 'pods', '-n', ns, '-l', 'kubernetes_pod_operator=True', '-o', 'name');
      return left.trim() === '';
    });
  });

  it('shows the DAG’s last run and its task log in Airflow’s UI, in a real browser, logged in with the Secret’s login', async () => {
    const result = await withAirflow(async (_airflow, url) =>
      checkAirflowUi({
        baseUrl: url,
        ...(await airflowLogin(namespace.name, PIPELINE)),
        dagId: PIPELINE,
        taskId: 'consume',
        summaryPattern: nothingLoaded(expectedRows),
        summarySearch: 'upserted=0',
        screenshotDir: testOutputDir('e2e', 'airflow-ui'),
      }),
    );
    expect(result.failure, `screenshots: ${result.screenshots.join(', ')}`).toBeUndefined();
    expect(result.screenshots.length).toBeGreaterThan(0);
  });

  it('follows the user’s changes: the schedule in Airflow, suspend pausing the DAG and holding runs, run-now', async () => {
    const ns = namespace.name;
    await patch({ spec: { airflow: { schedule: '30 5 * * *' } } });
    await withAirflow((airflow) =>
      eventually(
        'Airflow to show the new schedule',
        async () => (await airflow.dag(PIPELINE)).timetable_summary?.includes('30 5 * * *'),
        600_000,
      ),
    );

    await patch({ spec: { suspend: true } });
    await eventually('phase Suspended', async () => (await status()).phase === 'Suspended');
    await withAirflow((airflow) =>
      eventually('Airflow to show the DAG paused', async () => (await airflow.dag(PIPELINE)).is_paused, 600_000),
    );
    const held = (await status()).lastRun!.number;
    await kubectl('annotate', 'rp', PIPELINE, '-n', ns, `${RUN_NOW_ANNOTATION}=while-suspended`);
    await eventually('the request to be held', async () =>
      (
        await kubectlJson<{ status?: { conditions?: { type: string; message: string }[] } }>(
          'get',
          'rp',
          PIPELINE,
          '-n',
          ns,
        )
      ).status?.conditions
        ?.find((condition) => condition.type === 'LastRunSucceeded')
        ?.message.endsWith('run-now "while-suspended" waits until spec.suspend is false'),
    );
    expect((await status()).lastRun!.number).toBe(held);
    expect((await kubectl('get', 'jobs', '-n', ns, '-o', 'name')).includes(`-produce-${held + 1}`)).toBe(false);

    await patch({ spec: { suspend: false } });
    await withAirflow((airflow) =>
      eventually('Airflow to show the DAG unpaused', async () => !(await airflow.dag(PIPELINE)).is_paused, 600_000),
    );
    const resumed = await runEnded(held + 1);
    expect(resumed.lastRun).toMatchObject({
      runner: 'Jobs',
      trigger: 'while-suspended',
      succeeded: true,
      recordsProduced: 0,
      recordsLoaded: 0,
    });
    expect(resumed.totalRecordsLoaded).toBe(expectedRows);
  });

  it('keeps reconciling after the operator pod is deleted: a new pod takes the Lease', async () => {
    const ctx = envContext();
    const before = await eventually('the operator leader', () => operatorLeader(ctx));
    await kubectl('delete', 'pod', before, '-n', OPERATOR_NAMESPACE, '--wait=false');
    const after = await eventually(
      'a new operator pod to take the Lease',
      async () => {
        const leader = await operatorLeader(ctx);
        return leader !== undefined && leader !== before ? leader : undefined;
      },
      180_000,
    );
    expect(after).not.toBe(before);
    // A child removed by hand comes back: the new leader reconciles.
    await kubectl('delete', 'service', `${PIPELINE}-postgres`, '-n', namespace.name);
    await eventually('the operator to restore the PostgreSQL Service', async () => {
      await kubectl('get', 'service', `${PIPELINE}-postgres`, '-n', namespace.name);
      return true;
    });
  });
});
