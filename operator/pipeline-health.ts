/**
 * A pipeline's health in the terms of its metrics, derived from the status the reconciler computed
 * (pure: operator/pipeline-metrics.ts keeps one per pipeline and serves it).
 *
 * The status holds only the latest run. While a run is under way, the series still describe the
 * last run that finished, and after a failure the last success keeps its time; both are carried
 * over from earlier observations of this process, so an operator that restarts during a run, or
 * after a failed one, knows them again only once a run ends.
 */
import {
  RUNNERS,
  type Phase,
  type RecallPipelineStatus,
  type Runner,
} from '../contract/recall-pipeline/status-schema.ts';
import { RUN_RESULTS, type RunResult } from '../charts/monitoring/pipeline-series.ts';
import type { LastRun } from './runs.ts';

export interface FinishedRun {
  readonly succeeded: boolean;
  readonly durationSeconds: number;
  readonly recordsProduced: number;
  readonly recordsLoaded: number;
  readonly recordsDeadLettered: number;
}

export type RunCounts = Readonly<Record<RunResult, Readonly<Record<Runner, number>>>>;

export interface PipelineHealth {
  readonly createdSeconds?: number;
  readonly ready: boolean;
  readonly phase?: Phase;
  readonly tableRows?: number;
  readonly lastFinishedRun?: FinishedRun;
  readonly lastSuccessSeconds?: number;
  /** Runs this process saw end; they start at 0, as a counter does when its process starts. */
  readonly runsEnded: RunCounts;
  /** The number of the last run counted in `runsEnded`. */
  readonly lastCountedRun?: number;
}

export interface StatusChange {
  /** The status before this reconcile (what the pipeline showed, or what this replica last wrote). */
  readonly previous: RecallPipelineStatus | undefined;
  /** The status this reconcile computed. */
  readonly status: RecallPipelineStatus;
  readonly creationTimestamp?: string;
}

function seconds(timestamp: string | undefined): number | undefined {
  if (timestamp === undefined) return undefined;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function noRuns(): RunCounts {
  const perRunner = () => Object.fromEntries(RUNNERS.map((runner) => [runner, 0])) as Record<Runner, number>;
  return Object.fromEntries(RUN_RESULTS.map((result) => [result, perRunner()])) as RunCounts;
}

/**
 * The run that ended between two statuses, if one did: the same run gaining its completionTime, or
 * a later run already finished when first seen (Airflow's runs can start and end between two
 * reconciles). A run already finished in `previous` was counted by whoever saw it end, and an
 * unchanged status ends nothing, so a reconcile repeated or restarted counts no run twice.
 */
export function runEndedBetween(
  previous: RecallPipelineStatus | undefined,
  status: RecallPipelineStatus,
): LastRun | undefined {
  const run = status.lastRun;
  if (run?.completionTime === undefined) return undefined;
  const before = previous?.lastRun;
  if (before?.number === run.number && before.completionTime !== undefined) return undefined;
  return run;
}

function finishedRunOf(run: LastRun): FinishedRun {
  const start = seconds(run.startTime);
  const end = seconds(run.completionTime);
  return {
    succeeded: run.succeeded === true,
    durationSeconds: start === undefined || end === undefined ? 0 : Math.max(0, end - start),
    recordsProduced: run.recordsProduced,
    recordsLoaded: run.recordsLoaded,
    recordsDeadLettered: run.recordsDeadLettered,
  };
}

export function nextPipelineHealth(known: PipelineHealth | undefined, change: StatusChange): PipelineHealth {
  const { status } = change;
  const run = status.lastRun;
  const finished = run?.completionTime === undefined ? undefined : run;
  let runsEnded = known?.runsEnded ?? noRuns();
  let lastCountedRun = known?.lastCountedRun;
  const ended = runEndedBetween(change.previous, status);
  // A status read from a cache that lags behind this replica's own write can show the run as still
  // under way once more; its number says it was counted.
  if (ended && (lastCountedRun === undefined || ended.number > lastCountedRun)) {
    lastCountedRun = ended.number;
    // Runs from before the status named its runner were all the operator's Jobs.
    const runner = ended.runner ?? 'Jobs';
    const result: RunResult = ended.succeeded === true ? 'succeeded' : 'failed';
    runsEnded = { ...runsEnded, [result]: { ...runsEnded[result], [runner]: runsEnded[result][runner] + 1 } };
  }
  const createdSeconds = seconds(change.creationTimestamp);
  const lastFinishedRun = finished ? finishedRunOf(finished) : known?.lastFinishedRun;
  const lastSuccessSeconds =
    (finished?.succeeded === true ? seconds(finished.completionTime) : undefined) ?? known?.lastSuccessSeconds;
  return {
    ready: status.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false,
    ...(status.phase === undefined ? {} : { phase: status.phase }),
    ...(createdSeconds === undefined ? {} : { createdSeconds }),
    ...(status.totalRecordsLoaded === undefined ? {} : { tableRows: status.totalRecordsLoaded }),
    ...(lastFinishedRun === undefined ? {} : { lastFinishedRun }),
    ...(lastSuccessSeconds === undefined ? {} : { lastSuccessSeconds }),
    runsEnded,
    ...(lastCountedRun === undefined ? {} : { lastCountedRun }),
  };
}
