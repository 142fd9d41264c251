import { describe, expect, it } from 'vitest';
import { AIRFLOW_STEP_POD } from '../charts/airflow-dag.ts';
import { airflowRuns, airflowRunToRecord, lostAirflowRun, planAirflowRun, stepPodOutcome } from './airflow-runs.ts';
import type { JsonObject } from './runtime/kube-api.ts';
import type { LastRun } from './runs.ts';

const RUN = 'scheduled__2026-12-01T06:00:00+00:00';

interface PodOptions {
  step: 'produce' | 'consume';
  /** Whether KubernetesPodOperator labelled it done; true once it ended, by default. */
  done?: boolean;
  run?: string;
  tryNumber?: number;
  finalTry?: boolean;
  phase?: string;
  exitCode?: number;
  message?: string;
  created?: string;
  finishedAt?: string;
}

function pod(options: PodOptions): JsonObject {
  const { step, run = RUN, tryNumber = 1, finalTry = false, phase = 'Running' } = options;
  const terminated =
    options.exitCode === undefined
      ? undefined
      : {
          exitCode: options.exitCode,
          message: options.message,
          finishedAt: options.finishedAt ?? '2026-12-01T06:02:00Z',
        };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `recalls-${step}-${tryNumber}`,
      namespace: 'ns',
      creationTimestamp: options.created ?? (step === 'produce' ? '2026-12-01T06:00:05Z' : '2026-12-01T06:01:00Z'),
      labels: {
        'app.kubernetes.io/component': step,
        [AIRFLOW_STEP_POD.runLabel]: 'shortened',
        [AIRFLOW_STEP_POD.tryLabel]: String(tryNumber),
        [AIRFLOW_STEP_POD.finalTryLabel]: String(finalTry),
        ...((options.done ?? phase !== 'Running') ? { [AIRFLOW_STEP_POD.doneLabel]: 'True' } : {}),
      },
      annotations: { [AIRFLOW_STEP_POD.runIdAnnotation]: run },
    },
    status: { phase, containerStatuses: terminated ? [{ state: { terminated } }] : [{ state: { running: {} } }] },
  };
}

const produced = JSON.stringify({ step: 'produce', sent: 12, deadLettered: 1, checkpoint: '2026-11-30' });
const consumed = JSON.stringify({ step: 'consume', inserted: 10, updated: 2, deadLettered: 0, tableRows: 8815 });

const jobsRun: LastRun = {
  number: 3,
  runner: 'Jobs',
  startTime: '2026-11-30T00:00:00Z',
  completionTime: '2026-11-30T00:01:00Z',
  succeeded: true,
  recordsProduced: 0,
  recordsLoaded: 0,
  recordsDeadLettered: 0,
};

describe('stepPodOutcome', () => {
  it('counts a failed try as running while Airflow will retry it, and as failed on the last try', () => {
    expect(stepPodOutcome(undefined)).toEqual({ state: 'absent' });
    expect(stepPodOutcome(pod({ step: 'produce' }))).toEqual({ state: 'running' });
    expect(stepPodOutcome(pod({ step: 'produce', phase: 'Failed', exitCode: 1 }))).toEqual({ state: 'running' });
    const failed = stepPodOutcome(
      pod({ step: 'produce', phase: 'Failed', exitCode: 1, finalTry: true, message: 'recall: Kafka b:9092: down\n' }),
    );
    expect(failed).toEqual({
      state: 'failed',
      at: '2026-12-01T06:02:00Z',
      message: 'pod recalls-produce-1: exit code 1: recall: Kafka b:9092: down',
    });
    // Ended, but Airflow has not read its end yet: the task may still fail.
    expect(stepPodOutcome(pod({ step: 'consume', phase: 'Succeeded', exitCode: 0, done: false }))).toEqual({
      state: 'running',
    });
    expect(stepPodOutcome(pod({ step: 'consume', phase: 'Succeeded', exitCode: 0 }))).toEqual({
      state: 'succeeded',
      at: '2026-12-01T06:02:00Z',
    });
  });
});

describe('airflowRuns', () => {
  it('groups pods by DAG run, oldest first, each step by its latest try, with the reports of the pods that ended well', () => {
    const runs = airflowRuns([
      pod({ step: 'consume', phase: 'Succeeded', exitCode: 0, message: consumed }),
      pod({ step: 'produce', phase: 'Failed', exitCode: 1, tryNumber: 1 }),
      pod({ step: 'produce', phase: 'Succeeded', exitCode: 0, tryNumber: 2, message: produced }),
      pod({ step: 'produce', run: 'manual__later', created: '2026-12-01T07:00:00Z' }),
      // Not a step of the DAG: ignored.
      { metadata: { name: 'other', labels: { 'app.kubernetes.io/component': 'postgres' } } },
    ]);
    expect(runs.map((run) => run.id)).toEqual([RUN, 'manual__later']);
    const [first] = runs;
    expect(first!.startTime).toBe('2026-12-01T06:00:05Z');
    expect(first!.pods).toHaveLength(3);
    expect(first!.outcome.produce.state).toBe('succeeded');
    expect(first!.outcome.consume.state).toBe('succeeded');
    expect(first!.reports.produce?.sent).toBe(12);
    expect(first!.reports.consume?.tableRows).toBe(8815);
  });
});

describe('planAirflowRun', () => {
  it('shows a new DAG run as the next run, running, with an Event naming Airflow', () => {
    const [run] = airflowRuns([pod({ step: 'produce' })]);
    const plan = planAirflowRun(jobsRun, run!);
    expect(plan.lastRun).toEqual({
      number: 4,
      runner: 'Airflow',
      airflowRunId: RUN,
      startTime: '2026-12-01T06:00:05Z',
      recordsProduced: 0,
      recordsLoaded: 0,
      recordsDeadLettered: 0,
    });
    expect(plan.condition).toMatchObject({ status: 'Unknown', reason: 'Running', message: 'run 4: producer running' });
    expect(plan.event?.message).toBe(`run 4 started by Airflow (DAG run ${RUN})`);
    expect(plan.ensure).toBeUndefined();
  });

  it('keeps the run-now value the run before it answered, so that it is not answered again', () => {
    const [run] = airflowRuns([pod({ step: 'produce' })]);
    expect(planAirflowRun({ ...jobsRun, trigger: 'monday' }, run!).lastRun).toMatchObject({
      number: 4,
      runner: 'Airflow',
      trigger: 'monday',
    });
  });

  it('follows the run it shows to its end, with the counts of both reports', () => {
    const [running] = airflowRuns([pod({ step: 'produce', phase: 'Succeeded', exitCode: 0, message: produced })]);
    const started = planAirflowRun(jobsRun, running!);
    expect(started.condition.message).toBe('run 4: consumer running');
    const [ended] = airflowRuns([
      pod({ step: 'produce', phase: 'Succeeded', exitCode: 0, message: produced }),
      pod({ step: 'consume', phase: 'Succeeded', exitCode: 0, message: consumed }),
    ]);
    const plan = planAirflowRun(started.lastRun, ended!);
    expect(plan.lastRun).toMatchObject({
      number: 4,
      completionTime: '2026-12-01T06:02:00Z',
      succeeded: true,
      recordsProduced: 12,
      recordsLoaded: 12,
      recordsDeadLettered: 1,
    });
    expect(plan.condition).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(plan.event).toMatchObject({ reason: 'RunSucceeded' });
  });

  it('fails the run when the last try of a step fails', () => {
    const [run] = airflowRuns([pod({ step: 'produce', phase: 'Failed', exitCode: 1, tryNumber: 3, finalTry: true })]);
    const plan = planAirflowRun(jobsRun, run!);
    expect(plan.lastRun).toMatchObject({ number: 4, succeeded: false });
    expect(plan.condition).toMatchObject({ status: 'False', reason: 'Failed' });
    expect(plan.condition.message).toContain('the producer failed: pod recalls-produce-3: exit code 1');
  });
});

describe('airflowRunToRecord', () => {
  it('skips the finished run the status already shows, and takes the oldest other one', () => {
    const runs = airflowRuns([
      pod({ step: 'produce', phase: 'Succeeded', exitCode: 0 }),
      pod({ step: 'produce', run: 'manual__later', created: '2026-12-01T07:00:00Z' }),
    ]);
    const shown: LastRun = { ...jobsRun, runner: 'Airflow', airflowRunId: RUN };
    expect(airflowRunToRecord(shown, runs)?.id).toBe('manual__later');
    expect(airflowRunToRecord({ ...shown, completionTime: undefined }, runs)?.id).toBe(RUN);
    expect(airflowRunToRecord(jobsRun, runs)?.id).toBe(RUN);
    expect(airflowRunToRecord(jobsRun, [])).toBeUndefined();
  });
});

describe('lostAirflowRun', () => {
  it('ends a shown run whose pods are gone, failed, pointing at Airflow', () => {
    const shown: LastRun = { ...jobsRun, runner: 'Airflow', airflowRunId: RUN, completionTime: undefined };
    const plan = lostAirflowRun(shown, new Date('2026-12-01T08:00:00.123Z'));
    expect(plan.lastRun).toMatchObject({ completionTime: '2026-12-01T08:00:00Z', succeeded: false });
    expect(plan.condition.message).toContain(`the pods of Airflow's DAG run ${RUN} are gone`);
  });
});
