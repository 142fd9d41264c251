/**
 * Runs of a pipeline as a small state machine over what the operator observes: the run the pipeline
 * asks for (on create, or a new value of the run-now annotation), and the outcome of the current
 * run's Jobs. Pure: the reconciler creates the Jobs and writes the status this decides.
 */
import { RUN_NOW_ANNOTATION } from '../contract/recall-pipeline/group.ts';
import type { RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import type { RunStep } from '../charts/jobs-construct.ts';
import type { ObservedCondition } from './conditions.ts';
import type { JsonObject } from './runtime/kube-api.ts';

export type LastRun = NonNullable<RecallPipelineStatus['lastRun']>;

export type JobOutcome =
  | { state: 'absent' }
  | { state: 'running' }
  | { state: 'succeeded'; at: string }
  | { state: 'failed'; at: string; message: string };

interface JobCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/**
 * A Job's outcome from its conditions. SuccessCriteriaMet and FailureTarget come first (the outcome
 * is decided while pods still terminate); a Job past its backoff limit is Failed, never running.
 */
export function jobOutcome(job: JsonObject | undefined, now: Date): JobOutcome {
  if (!job) return { state: 'absent' };
  const conditions = ((job.status as { conditions?: JobCondition[] } | undefined)?.conditions ?? []).filter(
    (condition) => condition.status === 'True',
  );
  const at = (condition: JobCondition) => condition.lastTransitionTime ?? now.toISOString();
  const failed = conditions.find((condition) => condition.type === 'Failed' || condition.type === 'FailureTarget');
  if (failed) {
    const why = [failed.reason, failed.message].filter(Boolean).join(': ');
    return { state: 'failed', at: at(failed), message: why || 'failed' };
  }
  const succeeded = conditions.find((c) => c.type === 'Complete' || c.type === 'SuccessCriteriaMet');
  if (succeeded) return { state: 'succeeded', at: at(succeeded) };
  return { state: 'running' };
}

/** The run the pipeline asks for and has not had yet, if any. */
export function requestedRun(
  pipeline: JsonObject,
  lastRun: LastRun | undefined,
  runOnCreate: boolean,
): { trigger?: string } | undefined {
  const trigger = pipeline.metadata?.annotations?.[RUN_NOW_ANNOTATION];
  if (trigger !== undefined && trigger !== lastRun?.trigger) return { trigger };
  if (lastRun === undefined && runOnCreate) return {};
  return undefined;
}

export interface RunInput {
  lastRun: LastRun | undefined;
  requested: { trigger?: string } | undefined;
  suspended: boolean;
  /** Kafka, the database (and Airflow) are ready: a run started earlier would only fail. */
  ready: boolean;
  /** The outcome of the current run's Job for each step. */
  outcome: (step: RunStep) => JobOutcome;
  now: Date;
}

export interface RunPlan {
  lastRun: LastRun | undefined;
  /** The step whose Job must exist now (created if absent). */
  ensure?: RunStep;
  /** What happened, for an Event. */
  event?: { type: 'Normal' | 'Warning'; reason: string; message: string };
  condition: ObservedCondition;
  /** Steps whose Jobs finished just now: their reports give the run's counts (once, not every reconcile). */
  reportsToRead?: RunStep[];
}

function timestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function planRun(input: RunInput): RunPlan {
  const { lastRun, suspended } = input;
  if (lastRun && lastRun.completionTime === undefined) return advance(lastRun, input);
  if (input.requested && !suspended && input.ready) {
    const started: LastRun = {
      number: (lastRun?.number ?? 0) + 1,
      runner: 'Jobs',
      ...(input.requested.trigger === undefined ? {} : { trigger: input.requested.trigger }),
      startTime: timestamp(input.now),
      recordsProduced: 0,
      recordsLoaded: 0,
      recordsDeadLettered: 0,
    };
    const why = input.requested.trigger === undefined ? 'on create' : `run-now "${input.requested.trigger}"`;
    return {
      lastRun: started,
      ensure: 'produce',
      event: {
        type: 'Normal',
        reason: 'RunStarted',
        message: `run ${started.number} started (${why}): producer Job created`,
      },
      condition: runningCondition(started, 'produce'),
    };
  }
  if (!lastRun) {
    const waiting = input.requested
      ? suspended
        ? 'the first run waits until spec.suspend is false'
        : 'the first run starts once Kafka and the database are ready'
      : 'no run yet (spec.jobs.runOnCreate is false; set the rappelconso.io/run-now annotation to start one)';
    return { lastRun, condition: { type: 'LastRunSucceeded', status: 'Unknown', reason: 'NoRun', message: waiting } };
  }
  const condition = finished(lastRun, failureOf(input));
  if (input.requested?.trigger !== undefined && suspended) {
    // Said where users look, so that a request that seems ignored is seen to be held.
    condition.message += `; run-now "${input.requested.trigger}" waits until spec.suspend is false`;
  }
  return { lastRun, condition };
}

/** Why the finished run failed, read again from its Jobs so the message stays the same across reconciles. */
function failureOf(input: RunInput): string | undefined {
  for (const [step, who] of [
    ['produce', 'producer'],
    ['consume', 'consumer'],
  ] as const) {
    const outcome = input.outcome(step);
    if (outcome.state === 'failed') return `the ${who} failed: ${outcome.message}`;
  }
  return undefined;
}

function advance(lastRun: LastRun, input: RunInput): RunPlan {
  const produce = input.outcome('produce');
  // The current run's Jobs are recreated if someone deleted them; suspended, nothing new starts.
  const ensure = (step: RunStep): RunStep | undefined => (input.suspended ? undefined : step);
  if (produce.state === 'absent' || produce.state === 'running') {
    return {
      lastRun,
      ensure: produce.state === 'absent' ? ensure('produce') : undefined,
      condition: runningCondition(lastRun, 'produce'),
    };
  }
  if (produce.state === 'failed') return finishedRun(lastRun, produce, 'producer', []);
  const consume = input.outcome('consume');
  if (consume.state === 'absent' || consume.state === 'running') {
    const plan: RunPlan = { lastRun, condition: runningCondition(lastRun, 'consume') };
    if (consume.state === 'absent') {
      plan.ensure = ensure('consume');
      if (plan.ensure) {
        plan.reportsToRead = ['produce'];
        plan.event = {
          type: 'Normal',
          reason: 'ConsumerStarted',
          message: `run ${lastRun.number}: producer done, consumer Job created`,
        };
      }
    }
    return plan;
  }
  return finishedRun(lastRun, consume, 'consumer', ['produce', 'consume']);
}

/** The run ended with the `outcome` of its last step, named `step` in messages. */
export function finishedRun(
  lastRun: LastRun,
  outcome: Extract<JobOutcome, { at: string }>,
  step: string,
  reportsToRead: RunStep[] = [],
): RunPlan {
  const succeeded = outcome.state === 'succeeded';
  const ended: LastRun = { ...lastRun, completionTime: outcome.at, succeeded };
  return {
    lastRun: ended,
    reportsToRead,
    event: succeeded
      ? { type: 'Normal', reason: 'RunSucceeded', message: `run ${lastRun.number} succeeded` }
      : {
          type: 'Warning',
          reason: 'RunFailed',
          message: `run ${lastRun.number}: the ${step} failed: ${outcome.message}`,
        },
    condition: finished(ended, succeeded ? undefined : `the ${step} failed: ${outcome.message}`),
  };
}

export function runningCondition(lastRun: LastRun, step: RunStep): ObservedCondition {
  const who = step === 'produce' ? 'producer' : 'consumer';
  return {
    type: 'LastRunSucceeded',
    status: 'Unknown',
    reason: 'Running',
    message: `run ${lastRun.number}: ${who} running`,
  };
}

function finished(lastRun: LastRun, failure?: string): ObservedCondition {
  if (lastRun.succeeded) {
    return {
      type: 'LastRunSucceeded',
      status: 'True',
      reason: 'Succeeded',
      message: `run ${lastRun.number} succeeded`,
    };
  }
  return {
    type: 'LastRunSucceeded',
    status: 'False',
    reason: 'Failed',
    message: `run ${lastRun.number} failed${failure ? `: ${failure}` : ''}`,
  };
}
