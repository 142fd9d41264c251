/**
 * `kubectl recall run NAME [--wait] [--timeout D]`: asks for a run the way the operator answers
 * (operator/runs.ts, docs/decisions/0002): a new value of the run-now annotation. The operator
 * starts a run of its Jobs for it once no run is under way and the pipeline is ready, and records
 * the value in status.lastRun.trigger; while spec.suspend is true it holds the request and says so
 * in the LastRunSucceeded condition. `--wait` follows the status until that run ends.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, PLURAL, RUN_NOW_ANNOTATION } from '../contract/recall-pipeline/group.ts';
import type { Condition, RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import { apiErrorMessage, connect, type Cluster } from './cluster-access.ts';
import { GLOBAL_USAGE, parseCommandLine } from './command-line.ts';
import { formatElapsed, parseDuration } from './durations.ts';
import { PluginError, UsageError, type PluginCommand, type PluginIo } from './plugin-command.ts';
import { pipelineRef, readPipeline, type FoundPipeline } from './read-pipeline.ts';

type LastRun = NonNullable<RecallPipelineStatus['lastRun']>;

const DEFAULT_TIMEOUT = '30m';
const POLL_INTERVAL_MS = 2_000;
/** Shows up in managedFields: who set the annotation. */
const FIELD_MANAGER = 'kubectl-recall';

const USAGE =
  'usage: kubectl recall run NAME [--wait] [--timeout DURATION] [-n NS]\n\n' +
  `Starts a run now: sets the ${RUN_NOW_ANNOTATION} annotation to a new value, which the operator\n` +
  'answers with a run of its producer and consumer Jobs (after a run under way; held while\n' +
  'spec.suspend is true).\n\n' +
  'options:\n' +
  '  --wait               wait until that run ends, print its outcome and counts; exit 1 if it failed\n' +
  `  --timeout DURATION   with --wait, give up after this long (default ${DEFAULT_TIMEOUT}; e.g. 90s, 15m, 1h30m)\n\n` +
  GLOBAL_USAGE;

const OPTIONS = { wait: { type: 'boolean' }, timeout: { type: 'string' } } as const;

/** Where a requested run stands, from the pipeline's spec and status. */
export type RunProgress =
  | { readonly state: 'pending'; readonly message: string }
  | { readonly state: 'held'; readonly message: string }
  | { readonly state: 'running'; readonly run: LastRun; readonly message: string }
  | { readonly state: 'finished'; readonly run: LastRun; readonly message: string }
  /** The run answered the request and ended, but a later run replaced it in the status before it was read. */
  | { readonly state: 'replaced'; readonly message: string };

export interface RunRequest {
  /** The run-now value this command set. */
  readonly trigger: string;
  /** status.lastRun.number when it was set: the requested run is numbered after it. */
  readonly before: number | undefined;
}

function lastRunCondition(status: RecallPipelineStatus): Condition | undefined {
  return status.conditions?.find((condition) => condition.type === 'LastRunSucceeded');
}

export function runProgress(request: RunRequest, suspended: boolean, status: RecallPipelineStatus): RunProgress {
  const run = status.lastRun;
  const answered =
    run !== undefined &&
    run.trigger === request.trigger &&
    (request.before === undefined || run.number > request.before);
  const conditionMessage = lastRunCondition(status)?.message;
  if (answered && run.runner === 'Airflow') {
    // A run by Airflow carries the trigger answered before it: the requested run came and went.
    return {
      state: 'replaced',
      message: `run-now "${request.trigger}" was answered, but Airflow's run ${run.number} has replaced that run in the status since; its Events tell how it ended`,
    };
  }
  if (answered && run.completionTime !== undefined) {
    return { state: 'finished', run, message: conditionMessage ?? `run ${run.number} ended` };
  }
  if (answered) return { state: 'running', run, message: conditionMessage ?? `run ${run.number} running` };
  if (suspended) {
    const held = `run-now "${request.trigger}" waits until spec.suspend is false`;
    return { state: 'held', message: conditionMessage?.endsWith(held) ? conditionMessage : held };
  }
  if (run !== undefined && run.completionTime === undefined) {
    return { state: 'pending', message: `waiting for run ${run.number} (${run.runner ?? 'Jobs'}) to end first` };
  }
  const ready = status.conditions?.find((condition) => condition.type === 'Ready');
  if (ready !== undefined && ready.status !== 'True') {
    return { state: 'pending', message: `waiting for the pipeline to be ready: ${ready.message}` };
  }
  return { state: 'pending', message: 'waiting for the operator to start it' };
}

/** The last line of a run that ended: its outcome, counts and duration. */
export function outcomeLine(run: LastRun, message: string, tableRows: number | undefined): string {
  const took = formatElapsed(Date.parse(run.completionTime!) - Date.parse(run.startTime));
  const counts = `${run.recordsProduced} produced, ${run.recordsLoaded} loaded, ${run.recordsDeadLettered} dead-lettered`;
  if (!run.succeeded) {
    // The condition's message already starts with what this line says first.
    const why = message.replace(new RegExp(`^run ${run.number} failed(: )?`), '') || 'see its Events';
    return `run ${run.number} failed after ${took}: ${why} (${counts})`;
  }
  const rows = tableRows === undefined ? '' : `; the table holds ${tableRows} records`;
  return `run ${run.number} succeeded in ${took}: ${counts}${rows}`;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly read: () => Promise<FoundPipeline>;
  /** Each new state of the run, once. */
  readonly report: (line: string) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<unknown>;
}

export interface WaitResult {
  readonly progress: RunProgress;
  readonly found: FoundPipeline;
  readonly timedOut: boolean;
}

/** Follows the status until the requested run ended (or was replaced), or the time is up. */
export async function waitForRun(request: RunRequest, options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  const deadline = now() + options.timeoutMs;
  let said: string | undefined;
  for (;;) {
    const found = await options.read();
    const progress = runProgress(request, found.pipeline.spec.suspend, found.status);
    if (progress.state === 'finished' || progress.state === 'replaced') return { progress, found, timedOut: false };
    if (progress.message !== said) options.report(progress.message);
    said = progress.message;
    if (now() >= deadline) return { progress, found, timedOut: true };
    await pause(Math.min(options.intervalMs ?? POLL_INTERVAL_MS, Math.max(0, deadline - now())));
  }
}

/** A value no earlier request used: the operator starts a run only for a value it has not answered. */
export function newTrigger(now: Date): string {
  return `kubectl-recall-${now.toISOString().replace(/[-:]/g, '').replace('.', '-')}`;
}

async function annotate(cluster: Cluster, name: string, trigger: string): Promise<void> {
  try {
    await cluster.customObjects.patchNamespacedCustomObject(
      {
        group: API_GROUP,
        version: API_VERSION,
        namespace: cluster.namespace,
        plural: PLURAL,
        name,
        body: { metadata: { annotations: { [RUN_NOW_ANNOTATION]: trigger } } },
        fieldManager: FIELD_MANAGER,
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (error) {
    throw new PluginError(
      `${pipelineRef(name, cluster.namespace)}: setting ${RUN_NOW_ANNOTATION}: ${apiErrorMessage(error)}`,
    );
  }
}

export const runCommand: PluginCommand = {
  name: 'run',
  usage: USAGE,
  async run(argv: readonly string[], io: PluginIo): Promise<number> {
    const { target, name, values } = parseCommandLine('run', argv, OPTIONS);
    const timeoutText = values.timeout ?? DEFAULT_TIMEOUT;
    const timeoutMs = parseDuration(timeoutText);
    if (timeoutMs === undefined || timeoutMs <= 0) {
      throw new UsageError(`run: --timeout ${timeoutText} is not a duration such as 90s, 15m or 1h30m`);
    }
    const cluster = connect(target);
    const before = await readPipeline(cluster, name);
    const ref = pipelineRef(name, cluster.namespace);
    const request: RunRequest = { trigger: newTrigger(new Date()), before: before.status.lastRun?.number };
    await annotate(cluster, name, request.trigger);
    io.stdout.write(`${ref}: run requested (${RUN_NOW_ANNOTATION}=${request.trigger})\n`);
    if (!values.wait) {
      const held = before.pipeline.spec.suspend ? '; spec.suspend is true: it waits until the pipeline is resumed' : '';
      io.stdout.write(
        `status.lastRun.trigger shows it once started: kubectl recall status ${name} -n ${cluster.namespace}${held}\n`,
      );
      return 0;
    }
    const result = await waitForRun(request, {
      timeoutMs,
      read: () => readPipeline(cluster, name),
      report: (line) => io.stdout.write(`${line}\n`),
    });
    const { progress } = result;
    if (result.timedOut) {
      throw new PluginError(
        `${ref}: timed out after ${timeoutText} waiting for run-now "${request.trigger}": ${progress.message}`,
      );
    }
    if (progress.state === 'replaced') throw new PluginError(`${ref}: ${progress.message}`);
    if (progress.state !== 'finished') throw new Error(`unexpected state ${progress.state}`);
    const line = outcomeLine(progress.run, progress.message, result.found.status.totalRecordsLoaded);
    if (progress.run.succeeded) {
      io.stdout.write(`${line}\n`);
      return 0;
    }
    throw new PluginError(`${ref}: ${line}`);
  },
};
