/**
 * The pipeline's DAG under real Airflow (from PyPI: test/infra/airflow.ts), with what the charts
 * give the scheduler for the minimal sample: parsed by Airflow's DagBag, then run whole by
 * `airflow dags test`, whose KubernetesPodOperator launches the pods on the local control plane.
 * There is no kubelet: the test plays it, as the operator tests do for Jobs (./kubelet.ts).
 *
 * Nothing had to give way for the missing kubelet: the pods are never bound to a node, and for
 * such a pod the apiserver answers a log request with an empty log instead of an error, so the
 * operator follows an empty log until the pod ends, as it would a silent container.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AIRFLOW_STEP_POD } from '../../charts/airflow-dag.ts';
import { PIPELINE_ANNOTATION } from '../../charts/labels.ts';
import { airflowRuns } from '../../operator/airflow-runs.ts';
import type { JsonObject } from '../../operator/runtime/kube-api.ts';
import type { RunReport } from '../../contract/run-report.ts';
import { connectionFor } from '../infra/connection.ts';
import {
  airflowHome,
  chartedAirflow,
  type AirflowCommand,
  type AirflowHome,
  type ChartedAirflow,
  type Step,
} from './airflow-fixture.ts';
import { endPod, startPod } from './kubelet.ts';
import { loadConfig, until } from './operator-fixture.ts';

/** The minimal sample's pipeline, whose name the DAG takes. */
const DAG_ID = 'rappel-conso';
const SETTINGS = [
  'RECALL_PIPELINE',
  'RECALL_NAMESPACE',
  'RECALL_SCHEDULE',
  'RECALL_POD_TEMPLATE_DIR',
  'RECALL_SUSPENDED',
];

interface DagBagAnswer {
  importErrors: Record<string, string>;
  dags: Record<string, unknown>;
}

interface Records {
  runs: Array<{ dag_id: string; run_id: string; state: string }>;
  tasks: Array<{ task_id: string; state: string; try_number: number; start_date: string; end_date: string }>;
  xcoms: Array<{ task_id: string; key: string; value: string }>;
}

/** A pod as the operator's cache holds it: plain JSON (client-node's models use the same field names). */
function asJson(pod: k8s.V1Pod): JsonObject {
  return JSON.parse(JSON.stringify(pod)) as JsonObject;
}

function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe('the DAG as Airflow parses it, with the settings and pod templates of the charts', () => {
  let templateDir: string;
  let charted: ChartedAirflow;
  let home: AirflowHome;

  beforeAll(async () => {
    templateDir = scratchDir('recall-pod-templates-');
    charted = chartedAirflow('recall', templateDir);
    home = await airflowHome(charted.dag, { migrate: false });
  });

  afterAll(() => {
    home?.dispose();
    fs.rmSync(templateDir, { recursive: true, force: true });
  });

  it('is one DAG named after the pipeline, unpaused: produce then consume, on its schedule, one run at a time', async () => {
    expect(Object.keys(charted.settings).sort()).toEqual([...SETTINGS].sort());
    const bag = await home.probe<DagBagAnswer>(['dagbag', home.dagsFolder], charted.settings);
    expect(bag.importErrors).toEqual({});
    const step = (downstream: string[], template: string) => ({
      kubernetesPodOperator: true,
      downstream,
      podTemplateFile: path.join(templateDir, template),
      namespace: 'recall',
      retries: 2,
      onFinishAction: 'keep_pod',
      getLogs: true,
    });
    expect(bag.dags).toEqual({
      [DAG_ID]: {
        // @daily, as Airflow's cron timetable spells it; its first run is the next midnight, never
        // the one just past (which would race the operator's run on create).
        schedule: '0 0 * * *',
        firstRunInFuture: true,
        catchup: false,
        maxActiveRuns: 1,
        pausedUponCreation: false,
        tasks: { produce: step(['consume'], 'produce.yaml'), consume: step([], 'consume.yaml') },
      },
    });
  });

  it.each(SETTINGS)('without %s the import fails, naming it', async (missing) => {
    const settings = Object.fromEntries(Object.entries(charted.settings).filter(([name]) => name !== missing));
    const bag = await home.probe<DagBagAnswer>(['dagbag', home.dagsFolder], settings);
    expect(bag.dags).toEqual({});
    expect(Object.values(bag.importErrors).join('\n')).toContain(`${missing} is not set`);
  });

  it('without a pod template the import fails, naming the file', async () => {
    const empty = scratchDir('recall-no-templates-');
    try {
      const bag = await home.probe<DagBagAnswer>(['dagbag', home.dagsFolder], {
        ...charted.settings,
        RECALL_POD_TEMPLATE_DIR: empty,
      });
      expect(Object.values(bag.importErrors).join('\n')).toContain(
        `RECALL_POD_TEMPLATE_DIR=${empty} has no produce.yaml`,
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('a DAG run on the control plane, the test playing the kubelet', () => {
  let kubeconfig: string;
  let core: k8s.CoreV1Api;
  let namespace: string;
  let templateDir: string;
  let charted: ChartedAirflow;
  let home: AirflowHome;
  let run: AirflowCommand | undefined;

  beforeAll(async () => {
    kubeconfig = (await connectionFor('kubernetes')).KUBECONFIG!;
    core = loadConfig(kubeconfig).makeApiClient(k8s.CoreV1Api);
  });

  beforeEach(async () => {
    namespace = `airflow-dag-${randomUUID().slice(0, 8)}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    templateDir = scratchDir('recall-pod-templates-');
    charted = chartedAirflow(namespace, templateDir);
    home = await airflowHome(charted.dag, { migrate: true });
  });

  afterEach(async () => {
    run?.kill();
    run = undefined;
    home?.dispose();
    fs.rmSync(templateDir, { recursive: true, force: true });
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  function dagsTest(): AirflowCommand {
    run = home.airflow(['dags', 'test', DAG_ID], { ...charted.settings, KUBECONFIG: kubeconfig });
    return run;
  }

  async function podsOf(step: Step): Promise<k8s.V1Pod[]> {
    return (await core.listNamespacedPod({ namespace, labelSelector: `task_id=${step}` })).items;
  }

  /** The pod KubernetesPodOperator launched is its template's, in the pipeline's namespace. */
  function expectTemplatePod(pod: k8s.V1Pod, template: k8s.V1Pod, step: string): void {
    expect(pod.metadata?.name).toMatch(new RegExp(`^${DAG_ID}-${step}-[a-z0-9]+$`));
    expect(pod.metadata?.namespace).toBe(namespace);
    expect(pod.metadata?.labels).toMatchObject(template.metadata!.labels!);
    // Image, command and args, env, security contexts, resources, volumes; the apiserver drops an
    // empty list of init containers, which the producer's template writes.
    const { initContainers = [], ...spec } = template.spec!;
    expect(pod.spec).toMatchObject(spec);
    expect(pod.spec?.initContainers ?? []).toMatchObject(initContainers);
  }

  async function records(): Promise<Records> {
    return home.probe<Records>(['records', path.join(home.home, 'airflow.db')]);
  }

  function timeOf(airflowTime: string): number {
    // SQLite holds UTC without a zone.
    return Date.parse(`${airflowTime.replace(' ', 'T')}Z`);
  }

  it('runs produce, then consume once produce has ended, and keeps each run report', async () => {
    const produced: RunReport = { step: 'produce', sent: 42, deadLettered: 1, checkpoint: '2024-03-01 (+3 at it)' };
    const consumed: RunReport = { step: 'consume', inserted: 40, updated: 1, deadLettered: 0, tableRows: 40 };
    const command = dagsTest();

    const producer = await until(async () => (await podsOf('produce'))[0], 'the producer pod');
    expectTemplatePod(producer, charted.templates.produce, 'produce');
    await startPod(core, producer);
    await until(() => command.outputSoFar().includes('Pod has reached Running phase'), 'Airflow to see it run');
    expect(await podsOf('consume')).toEqual([]);
    // As `recall produce` writes it to /dev/termination-log.
    await endPod(core, producer, 'Succeeded', `${JSON.stringify(produced)}\n`);

    const consumer = await until(async () => (await podsOf('consume'))[0], 'the consumer pod');
    expectTemplatePod(consumer, charted.templates.consume, 'consume');
    await startPod(core, consumer);
    await endPod(core, consumer, 'Succeeded', `${JSON.stringify(consumed)}\n`);

    const result = await command.done;
    expect(result.code, result.output.slice(-4000)).toBe(0);
    expect(result.output).toContain(`Run report of produce: ${JSON.stringify(produced)}`);
    expect(result.output).toContain(`Run report of consume: ${JSON.stringify(consumed)}`);

    const { runs, tasks, xcoms } = await records();
    expect(runs).toMatchObject([{ dag_id: DAG_ID, state: 'success' }]);
    const task = (id: string) => tasks.find((candidate) => candidate.task_id === id)!;
    expect(task('produce')).toMatchObject({ state: 'success', try_number: 1 });
    expect(task('consume')).toMatchObject({ state: 'success', try_number: 1 });
    expect(timeOf(task('consume').start_date)).toBeGreaterThanOrEqual(timeOf(task('produce').end_date));
    const report = (id: string) => xcoms.find((xcom) => xcom.task_id === id && xcom.key === 'run_report')?.value;
    expect(JSON.parse(report('produce')!)).toEqual(produced);
    expect(JSON.parse(report('consume')!)).toEqual(consumed);
    // Each pod is kept for the operator, which reads the run from them as it reads its Jobs'.
    const kept = (await core.listNamespacedPod({ namespace })).items;
    expect(kept).toHaveLength(2);
    for (const pod of kept) {
      expect(pod.metadata?.annotations).toMatchObject({
        [PIPELINE_ANNOTATION]: DAG_ID,
        [AIRFLOW_STEP_POD.runIdAnnotation]: runs[0]!.run_id,
      });
      expect(pod.metadata?.labels?.[AIRFLOW_STEP_POD.finalTryLabel]).toBe('false');
    }
    const [seen, ...others] = airflowRuns(kept.map(asJson));
    expect(others).toEqual([]);
    expect(seen).toMatchObject({
      id: runs[0]!.run_id,
      outcome: { produce: { state: 'succeeded' }, consume: { state: 'succeeded' } },
      reports: { produce: produced, consume: consumed },
    });
  });

  it('fails the run when every producer attempt fails, and never launches the consumer', async () => {
    const logTail = 'Error: connect ECONNREFUSED rappel-conso-kafka-kafka-bootstrap:9092';
    const command = dagsTest();
    let result: Awaited<AirflowCommand['done']> | undefined;
    void command.done.then((ended) => (result = ended));

    const failed = new Set<string>();
    const steps = new Set<string>();
    await until(
      async () => {
        for (const pod of (await core.listNamespacedPod({ namespace })).items) {
          steps.add(pod.metadata?.labels?.task_id ?? '?');
          if (failed.has(pod.metadata!.name!)) continue;
          failed.add(pod.metadata!.name!);
          await startPod(core, pod);
          await endPod(core, pod, 'Failed', logTail);
        }
        return result;
      },
      'the DAG run to end',
      150_000,
    );

    expect(result!.code, result!.output.slice(-4000)).not.toBe(0);
    expect(result!.output).toContain('DagRun failed');
    // The termination message (the container's log tail) says why, in the task's failure.
    expect(result!.output).toContain(logTail);
    expect([...steps]).toEqual(['produce']);
    // The first attempt and both retries.
    expect(failed.size).toBe(3);
    const { runs, tasks } = await records();
    expect(runs).toMatchObject([{ state: 'failed' }]);
    expect(tasks.find((task) => task.task_id === 'produce')).toMatchObject({ state: 'failed', try_number: 3 });
    // Only the last try is labelled final: the operator fails the run on that one alone.
    const kept = (await core.listNamespacedPod({ namespace })).items;
    const finalTries = kept.map((pod) => pod.metadata?.labels?.[AIRFLOW_STEP_POD.finalTryLabel]).sort();
    expect(finalTries).toEqual(['false', 'false', 'true']);
    expect(airflowRuns(kept.map(asJson))[0]!.outcome.produce).toMatchObject({ state: 'failed' });
    expect(tasks.find((task) => task.task_id === 'consume')).toMatchObject({ state: 'upstream_failed' });
  }, 200_000);
});
