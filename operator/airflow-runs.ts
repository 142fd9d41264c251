/**
 * Runs that Airflow started, read from the pods of the pipeline's DAG (see docs/decisions/0006).
 * Airflow keeps each step's pod when it ends; the operator, which watches them, turns them into the
 * pipeline's `lastRun` exactly as it does a run of its own Jobs, counts included (the pods' run
 * reports), then deletes them once Airflow is done with them too. Pure: the reconciler reads the pods from its cache and deletes them.
 */
import { AIRFLOW_STEP_POD } from '../charts/airflow-dag.ts';
import { RUN_STEPS, type RunStep } from '../charts/jobs-construct.ts';
import { parseRunReport } from '../contract/run-report.ts';
import type { JsonObject } from './runtime/kube-api.ts';
import type { RunReports } from './run-reports.ts';
import { withReports } from './run-reports.ts';
import { finishedRun, runningCondition, type JobOutcome, type LastRun, type RunPlan } from './runs.ts';

/** One DAG run of the pipeline, as its steps' pods show it. */
export interface AirflowRun {
  readonly id: string;
  /** When its first pod was created. */
  readonly startTime: string;
  /** Every pod of the run, every try: deleted once the run is in the status. */
  readonly pods: readonly JsonObject[];
  readonly outcome: Readonly<Record<RunStep, JobOutcome>>;
  readonly reports: RunReports;
}

interface PodStatus {
  phase?: string;
  containerStatuses?: {
    state?: { terminated?: { exitCode?: number; reason?: string; message?: string; finishedAt?: string } };
  }[];
}

/** Failure messages carry a log's tail; this much of it says why without flooding the status. */
const MAX_FAILURE_TEXT = 1_000;

function stepOf(pod: JsonObject): RunStep | undefined {
  const component = pod.metadata?.labels?.['app.kubernetes.io/component'];
  return RUN_STEPS.find((step) => step === component);
}

function runIdOf(pod: JsonObject): string | undefined {
  return (
    pod.metadata?.annotations?.[AIRFLOW_STEP_POD.runIdAnnotation] ?? pod.metadata?.labels?.[AIRFLOW_STEP_POD.runLabel]
  );
}

function tryOf(pod: JsonObject): number {
  return Number(pod.metadata?.labels?.[AIRFLOW_STEP_POD.tryLabel] ?? 0);
}

function terminatedOf(pod: JsonObject) {
  return (pod.status as PodStatus | undefined)?.containerStatuses?.find((status) => status.state?.terminated)?.state
    ?.terminated;
}

/** KubernetesPodOperator is done with the pod: it read its end, and will not touch it again. */
export function airflowDoneWith(pod: JsonObject): boolean {
  return pod.metadata?.labels?.[AIRFLOW_STEP_POD.doneLabel] === 'True';
}

/**
 * A step's outcome from its latest try, once Airflow is done with that try's pod: until then the
 * task may still fail (Airflow reads the pod's end after the kubelet writes it). A failed try that
 * Airflow will retry is still running; only the last try's failure fails the step (the DAG labels
 * that try).
 */
export function stepPodOutcome(pod: JsonObject | undefined): JobOutcome {
  if (!pod) return { state: 'absent' };
  const status = pod.status as PodStatus | undefined;
  const terminated = terminatedOf(pod);
  const at = terminated?.finishedAt ?? pod.metadata?.creationTimestamp ?? new Date(0).toISOString();
  if (!airflowDoneWith(pod)) return { state: 'running' };
  if (status?.phase === 'Succeeded') return { state: 'succeeded', at };
  if (status?.phase !== 'Failed') return { state: 'running' };
  if (pod.metadata?.labels?.[AIRFLOW_STEP_POD.finalTryLabel] !== 'true') return { state: 'running' };
  const why = [
    terminated?.exitCode === undefined ? undefined : `exit code ${terminated.exitCode}`,
    terminated?.message?.trim().slice(-MAX_FAILURE_TEXT) ?? terminated?.reason,
  ].filter(Boolean);
  return { state: 'failed', at, message: `pod ${pod.metadata?.name}: ${why.join(': ') || 'failed'}` };
}

/** The pipeline's DAG runs among `pods`, oldest first. */
export function airflowRuns(pods: readonly JsonObject[]): AirflowRun[] {
  const byRun = new Map<string, JsonObject[]>();
  for (const pod of pods) {
    const id = runIdOf(pod);
    if (id === undefined || stepOf(pod) === undefined) continue;
    byRun.set(id, [...(byRun.get(id) ?? []), pod]);
  }
  const runs = [...byRun].map(([id, runPods]): AirflowRun => {
    const latest = (step: RunStep) =>
      runPods.filter((pod) => stepOf(pod) === step).sort((a, b) => tryOf(b) - tryOf(a))[0];
    const reports: RunReports = {};
    for (const step of RUN_STEPS) {
      const pod = latest(step);
      const terminated = pod && terminatedOf(pod);
      const report = parseRunReport(terminated?.exitCode === 0 ? terminated.message : undefined);
      if (report?.step === 'produce') reports.produce = report;
      if (report?.step === 'consume') reports.consume = report;
    }
    const created = runPods.map((pod) => pod.metadata?.creationTimestamp ?? '').sort();
    return {
      id,
      startTime: created[0] || new Date(0).toISOString(),
      pods: runPods,
      outcome: { produce: stepPodOutcome(latest('produce')), consume: stepPodOutcome(latest('consume')) },
      reports,
    };
  });
  return runs.sort((a, b) => a.startTime.localeCompare(b.startTime) || a.id.localeCompare(b.id));
}

/** The Airflow run the status should follow now: the one it shows, still running, else the oldest not yet shown. */
export function airflowRunToRecord(lastRun: LastRun | undefined, runs: readonly AirflowRun[]): AirflowRun | undefined {
  return runs.find((run) => !(run.id === lastRun?.airflowRunId && lastRun.completionTime !== undefined));
}

/**
 * The pipeline's `lastRun` for an Airflow run: a new run number the first time the run is seen, its
 * counts from the reports its pods left, its end from its steps' pods, as a run of Jobs.
 */
export function planAirflowRun(lastRun: LastRun | undefined, run: AirflowRun): RunPlan {
  const shown = lastRun?.runner === 'Airflow' && lastRun.airflowRunId === run.id;
  const current = withReports(
    shown
      ? lastRun
      : {
          number: (lastRun?.number ?? 0) + 1,
          runner: 'Airflow',
          airflowRunId: run.id,
          // The run-now value answered last stays answered: the operator compares the annotation
          // with it, and would otherwise start that run again.
          ...(lastRun?.trigger === undefined ? {} : { trigger: lastRun.trigger }),
          startTime: run.startTime,
          recordsProduced: 0,
          recordsLoaded: 0,
          recordsDeadLettered: 0,
        },
    run.reports,
  );
  const { produce, consume } = run.outcome;
  if (produce.state === 'failed') return finishedRun(current, produce, 'producer');
  if (produce.state === 'succeeded' && (consume.state === 'failed' || consume.state === 'succeeded')) {
    return finishedRun(current, consume, 'consumer');
  }
  return {
    lastRun: current,
    condition: runningCondition(current, produce.state === 'succeeded' ? 'consume' : 'produce'),
    ...(shown
      ? {}
      : {
          event: {
            type: 'Normal',
            reason: 'RunStarted',
            message: `run ${current.number} started by Airflow (DAG run ${run.id})`,
          },
        }),
  };
}

/**
 * The run the status shows as Airflow's and unfinished, when its pods are gone (deleted by hand, or
 * the namespace's pods cleaned): it ends, failed, since only Airflow knows how it went.
 */
export function lostAirflowRun(lastRun: LastRun, now: Date): RunPlan {
  return finishedRun(
    lastRun,
    {
      state: 'failed',
      at: `${now.toISOString().slice(0, 19)}Z`,
      message: `the pods of Airflow's DAG run ${lastRun.airflowRunId} are gone; Airflow's UI shows how it ended`,
    },
    'run',
  );
}
