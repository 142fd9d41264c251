import { describe, expect, it } from 'vitest';
import type { RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import { nextPipelineHealth, runEndedBetween, type PipelineHealth } from './pipeline-health.ts';
import type { LastRun } from './runs.ts';

const ready = [
  { type: 'Ready', status: 'True', reason: 'Ready', message: 'ready', lastTransitionTime: '2026-03-01T00:00:00Z' },
] as const;

function run(number: number, fields: Partial<LastRun> = {}): LastRun {
  return {
    number,
    runner: 'Jobs',
    startTime: '2026-03-02T10:00:00Z',
    recordsProduced: 0,
    recordsLoaded: 0,
    recordsDeadLettered: 0,
    ...fields,
  };
}

function ended(number: number, succeeded: boolean, fields: Partial<LastRun> = {}): LastRun {
  return run(number, { completionTime: '2026-03-02T10:05:30Z', succeeded, ...fields });
}

function status(lastRun?: LastRun, fields: Partial<RecallPipelineStatus> = {}): RecallPipelineStatus {
  return { phase: 'Ready', conditions: [...ready], ...(lastRun ? { lastRun } : {}), ...fields };
}

/** Feeds statuses one reconcile after another, as the reconciler does. */
function observeAll(...statuses: RecallPipelineStatus[]): PipelineHealth {
  let health: PipelineHealth | undefined;
  let previous: RecallPipelineStatus | undefined;
  for (const next of statuses) {
    health = nextPipelineHealth(health, { previous, status: next });
    previous = next;
  }
  return health!;
}

describe('a pipeline’s health from its status', () => {
  it('says ready and the phase, the table’s rows and when the pipeline was created', () => {
    const health = nextPipelineHealth(undefined, {
      previous: undefined,
      status: status(undefined, { totalRecordsLoaded: 8803 }),
      creationTimestamp: '2026-03-01T00:00:00Z',
    });
    expect(health).toMatchObject({
      ready: true,
      phase: 'Ready',
      tableRows: 8803,
      createdSeconds: Date.parse('2026-03-01T00:00:00Z') / 1000,
    });
    expect(health.lastFinishedRun).toBeUndefined();
    expect(health.lastSuccessSeconds).toBeUndefined();
    const provisioning = nextPipelineHealth(health, {
      previous: undefined,
      status: { phase: 'Provisioning', conditions: [{ ...ready[0], status: 'False', reason: 'KafkaNotReady' }] },
    });
    expect(provisioning).toMatchObject({ ready: false, phase: 'Provisioning' });
  });

  it('describes the last finished run: outcome, duration and counts', () => {
    const health = observeAll(
      status(run(1)),
      status(
        ended(1, true, {
          recordsProduced: 8810,
          recordsLoaded: 8803,
          recordsDeadLettered: 3,
        }),
      ),
    );
    expect(health.lastFinishedRun).toEqual({
      succeeded: true,
      durationSeconds: 330,
      recordsProduced: 8810,
      recordsLoaded: 8803,
      recordsDeadLettered: 3,
    });
    expect(health.lastSuccessSeconds).toBe(Date.parse('2026-03-02T10:05:30Z') / 1000);
  });

  it('keeps the last finished run while the next one runs, and the last success after a failure', () => {
    const health = observeAll(
      status(ended(1, true, { recordsLoaded: 10 })),
      status(run(2, { startTime: '2026-03-03T10:00:00Z' })),
    );
    expect(health.lastFinishedRun).toMatchObject({ succeeded: true, recordsLoaded: 10 });
    const failed = nextPipelineHealth(health, {
      previous: status(run(2)),
      status: status(ended(2, false, { completionTime: '2026-03-03T10:01:00Z', recordsDeadLettered: 4 })),
    });
    expect(failed.lastFinishedRun).toMatchObject({ succeeded: false, recordsDeadLettered: 4 });
    expect(failed.lastSuccessSeconds).toBe(Date.parse('2026-03-02T10:05:30Z') / 1000);
  });

  it('counts a run once, when it ends, by result and runner', () => {
    const health = observeAll(
      status(run(1)),
      status(run(1)),
      status(ended(1, true)),
      status(ended(1, true)),
      status(run(2, { runner: 'Airflow' })),
      status(ended(2, false, { runner: 'Airflow' })),
    );
    expect(health.runsEnded).toEqual({ succeeded: { Jobs: 1, Airflow: 0 }, failed: { Jobs: 0, Airflow: 1 } });
  });

  it('counts a run once even when a lagging cache shows it under way again', () => {
    const health = observeAll(status(run(1)), status(ended(1, true)), status(run(1)), status(ended(1, true)));
    expect(health.runsEnded.succeeded.Jobs).toBe(1);
  });

  it('counts a run first seen finished when it is a later run, and none already finished before this process', () => {
    // Airflow's runs can start and end between two reconciles.
    expect(runEndedBetween(status(ended(1, true)), status(ended(2, true)))?.number).toBe(2);
    expect(runEndedBetween(undefined, status(ended(1, true)))?.number).toBe(1);
    // A restarted operator reads the finished run from the pipeline: its predecessor counted it.
    const restarted = nextPipelineHealth(undefined, {
      previous: status(ended(3, true)),
      status: status(ended(3, true)),
    });
    expect(restarted.runsEnded).toEqual({ succeeded: { Jobs: 0, Airflow: 0 }, failed: { Jobs: 0, Airflow: 0 } });
    expect(restarted.lastFinishedRun).toMatchObject({ succeeded: true });
  });

  it('counts a run of a status written before runs named their runner as the Jobs’', () => {
    const unnamed = ended(1, true);
    delete unnamed.runner;
    const health = nextPipelineHealth(undefined, { previous: status(run(1)), status: status(unnamed) });
    expect(health.runsEnded.succeeded.Jobs).toBe(1);
  });
});
