import { describe, expect, it } from 'vitest';
import type { JsonObject } from './runtime/kube-api.ts';
import { jobOutcome, planRun, requestedRun, type JobOutcome, type LastRun, type RunInput } from './runs.ts';

const now = new Date('2026-01-02T03:04:05.678Z');

function job(...conditions: Array<{ type: string; status?: string; reason?: string; message?: string }>): JsonObject {
  return {
    status: {
      conditions: conditions.map((c) => ({ status: 'True', lastTransitionTime: '2026-01-02T00:00:00Z', ...c })),
    },
  };
}

function input(
  overrides: Partial<RunInput>,
  outcomes: Partial<Record<'produce' | 'consume', JobOutcome>> = {},
): RunInput {
  return {
    lastRun: undefined,
    requested: undefined,
    suspended: false,
    ready: true,
    outcome: (step) => outcomes[step] ?? { state: 'absent' },
    now,
    ...overrides,
  };
}

const running: LastRun = {
  number: 2,
  startTime: '2026-01-01T00:00:00Z',
  recordsProduced: 0,
  recordsLoaded: 0,
  recordsDeadLettered: 0,
};

describe('jobOutcome', () => {
  it('reads Complete and Failed, and counts a Job past its backoff limit as failed', () => {
    expect(jobOutcome(undefined, now)).toEqual({ state: 'absent' });
    expect(jobOutcome(job(), now)).toEqual({ state: 'running' });
    expect(jobOutcome(job({ type: 'Complete' }), now)).toEqual({ state: 'succeeded', at: '2026-01-02T00:00:00Z' });
    expect(
      jobOutcome(
        job({ type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }),
        now,
      ),
    ).toEqual({
      state: 'failed',
      at: '2026-01-02T00:00:00Z',
      message: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    expect(jobOutcome(job({ type: 'FailureTarget', reason: 'BackoffLimitExceeded' }), now).state).toBe('failed');
    expect(jobOutcome(job({ type: 'Complete', status: 'False' }), now).state).toBe('running');
  });
});

describe('requestedRun', () => {
  const pipeline = (annotation?: string): JsonObject => ({
    metadata: annotation === undefined ? {} : { annotations: { 'rappelconso.io/run-now': annotation } },
  });

  it('asks for the run on create once, and for each new run-now value', () => {
    expect(requestedRun(pipeline(), undefined, true)).toEqual({});
    expect(requestedRun(pipeline(), undefined, false)).toBeUndefined();
    expect(requestedRun(pipeline(), running, true)).toBeUndefined();
    expect(requestedRun(pipeline('a'), running, false)).toEqual({ trigger: 'a' });
    expect(requestedRun(pipeline('a'), { ...running, trigger: 'a' }, true)).toBeUndefined();
  });
});

describe('planRun', () => {
  it('starts run 1 with the producer once ready, not before, not while suspended', () => {
    const plan = planRun(input({ requested: {} }));
    expect(plan.ensure).toBe('produce');
    expect(plan.lastRun).toMatchObject({ number: 1, startTime: '2026-01-02T03:04:05Z' });
    expect(plan.lastRun?.trigger).toBeUndefined();
    expect(plan.condition).toMatchObject({ status: 'Unknown', reason: 'Running' });
    expect(planRun(input({ requested: {}, ready: false })).ensure).toBeUndefined();
    expect(planRun(input({ requested: {}, suspended: true })).ensure).toBeUndefined();
    expect(planRun(input({ requested: {}, ready: false })).condition.reason).toBe('NoRun');
  });

  it('numbers a run-now run after the last one and keeps its trigger', () => {
    const done: LastRun = { ...running, completionTime: '2026-01-01T01:00:00Z', succeeded: true };
    const plan = planRun(input({ lastRun: done, requested: { trigger: 'again' } }));
    expect(plan.lastRun).toMatchObject({ number: 3, trigger: 'again' });
    expect(plan.event?.reason).toBe('RunStarted');
  });

  it('starts the consumer only after the producer completed', () => {
    expect(planRun(input({ lastRun: running }, { produce: { state: 'running' } })).ensure).toBeUndefined();
    const next = planRun(input({ lastRun: running }, { produce: { state: 'succeeded', at: 'x' } }));
    expect(next.ensure).toBe('consume');
    expect(next.event?.reason).toBe('ConsumerStarted');
  });

  it('waits for a running run before starting a requested one', () => {
    const plan = planRun(input({ lastRun: running, requested: { trigger: 'b' } }, { produce: { state: 'running' } }));
    expect(plan.lastRun?.number).toBe(2);
  });

  it('holds a run-now request while suspended, and says so in the condition', () => {
    const ended: LastRun = { ...running, completionTime: '2026-01-01T00:10:00Z', succeeded: true };
    const plan = planRun(input({ lastRun: ended, requested: { trigger: 'now' }, suspended: true }));
    expect(plan.ensure).toBeUndefined();
    expect(plan.lastRun).toBe(ended);
    expect(plan.condition.message).toBe('run 2 succeeded; run-now "now" waits until spec.suspend is false');
  });

  it('recreates a deleted Job of the current run, unless suspended', () => {
    expect(planRun(input({ lastRun: running })).ensure).toBe('produce');
    expect(planRun(input({ lastRun: running, suspended: true })).ensure).toBeUndefined();
  });

  it('ends the run with the Job’s outcome and time, and keeps saying why it failed', () => {
    const outcomes = {
      produce: { state: 'succeeded', at: 'x' },
      consume: { state: 'failed', at: '2026-01-02T00:00:00Z', message: 'BackoffLimitExceeded' },
    } as const;
    const ended = planRun(input({ lastRun: running }, outcomes));
    expect(ended.lastRun).toMatchObject({ succeeded: false, completionTime: '2026-01-02T00:00:00Z' });
    expect(ended.event).toMatchObject({ type: 'Warning', reason: 'RunFailed' });
    const later = planRun(input({ lastRun: ended.lastRun }, outcomes));
    expect(later.condition).toEqual(ended.condition);
    expect(later.event).toBeUndefined();
    expect(later.condition).toMatchObject({ status: 'False', reason: 'Failed' });
  });
});

describe('planRun: which reports to read', () => {
  const done: JobOutcome = { state: 'succeeded', at: '2026-01-02T00:00:00Z' };

  it('reads the producer’s report once, as the consumer Job is created', () => {
    expect(planRun(input({ lastRun: running }, { produce: done })).reportsToRead).toEqual(['produce']);
    // Suspended, the consumer waits, and so does the read: a steady pipeline costs no request.
    expect(planRun(input({ lastRun: running, suspended: true }, { produce: done })).reportsToRead).toBeUndefined();
    expect(
      planRun(input({ lastRun: running }, { produce: done, consume: { state: 'running' } })).reportsToRead,
    ).toBeUndefined();
  });

  it('reads both reports as the run ends, none once it has ended', () => {
    const ending = planRun(input({ lastRun: running }, { produce: done, consume: done }));
    expect(ending.reportsToRead).toEqual(['produce', 'consume']);
    expect(planRun(input({ lastRun: ending.lastRun }, { produce: done, consume: done })).reportsToRead).toBeUndefined();
    const failed = planRun(input({ lastRun: running }, { produce: { state: 'failed', at: done.at, message: 'x' } }));
    expect(failed.reportsToRead).toEqual([]);
  });
});
