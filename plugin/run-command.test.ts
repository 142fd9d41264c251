import { describe, expect, it } from 'vitest';
import type { RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import { pipelineObject, READY_STATUS } from './pipeline-objects.test-fixture.ts';
import { resolvePipeline, type FoundPipeline } from './read-pipeline.ts';
import { newTrigger, outcomeLine, runProgress, waitForRun, type RunRequest } from './run-command.ts';

type LastRun = NonNullable<RecallPipelineStatus['lastRun']>;

const REQUEST: RunRequest = { trigger: 'kubectl-recall-1', before: 1 };

/** The status with its last run and LastRunSucceeded condition replaced, as the operator writes them. */
function withRun(run: Partial<LastRun> | undefined, message?: string): RecallPipelineStatus {
  const conditions = READY_STATUS.conditions!.map((condition) =>
    condition.type === 'LastRunSucceeded' && message !== undefined ? { ...condition, message } : condition,
  );
  return {
    ...READY_STATUS,
    conditions,
    ...(run === undefined ? { lastRun: undefined } : { lastRun: { ...READY_STATUS.lastRun!, ...run } }),
  };
}

const RUN_2: Partial<LastRun> = {
  number: 2,
  runner: 'Jobs',
  trigger: REQUEST.trigger,
  startTime: '2026-12-01T05:00:00Z',
  completionTime: undefined,
  succeeded: undefined,
  recordsProduced: 0,
  recordsLoaded: 0,
};

describe('where a requested run stands', () => {
  it('waits while the operator has not answered the value, saying why', () => {
    expect(runProgress(REQUEST, false, withRun({}))).toEqual({
      state: 'pending',
      message: 'waiting for the operator to start it',
    });
    // A run under way goes first (operator/runs.ts advances it before starting another).
    expect(runProgress(REQUEST, false, withRun({ completionTime: undefined, succeeded: undefined }))).toEqual({
      state: 'pending',
      message: 'waiting for run 1 (Jobs) to end first',
    });
    const notReady = {
      ...READY_STATUS,
      conditions: [
        { ...READY_STATUS.conditions![0]!, status: 'False' as const, message: 'AirflowReady: 0/1 available' },
      ],
    };
    expect(runProgress(REQUEST, false, notReady).message).toBe(
      'waiting for the pipeline to be ready: AirflowReady: 0/1 available',
    );
  });

  it('is held while spec.suspend is true, in the words the operator puts in the condition', () => {
    const said = `run 1 succeeded; run-now "${REQUEST.trigger}" waits until spec.suspend is false`;
    expect(runProgress(REQUEST, true, withRun({}, said))).toEqual({ state: 'held', message: said });
    // Before the operator has seen the request.
    expect(runProgress(REQUEST, true, withRun({}))).toEqual({
      state: 'held',
      message: `run-now "${REQUEST.trigger}" waits until spec.suspend is false`,
    });
  });

  it('follows the run that answered it, by its trigger and a number after the one before', () => {
    expect(runProgress(REQUEST, false, withRun(RUN_2, 'run 2: consumer running'))).toMatchObject({
      state: 'running',
      run: { number: 2 },
      message: 'run 2: consumer running',
    });
    const ended = withRun(
      { ...RUN_2, completionTime: '2026-12-01T05:01:05Z', succeeded: false },
      'run 2 failed: the consumer failed: BackoffLimitExceeded',
    );
    expect(runProgress(REQUEST, false, ended)).toMatchObject({
      state: 'finished',
      run: { number: 2, succeeded: false },
      message: 'run 2 failed: the consumer failed: BackoffLimitExceeded',
    });
    // The same value answered earlier (before the request was read) is not this run.
    expect(runProgress({ ...REQUEST, before: 2 }, false, ended).state).toBe('pending');
  });

  it('says so when a run by Airflow, which carries the trigger on, replaced the answered run before it was read', () => {
    const replaced = withRun({ ...RUN_2, number: 3, runner: 'Airflow', airflowRunId: 'scheduled__x' });
    expect(runProgress(REQUEST, false, replaced)).toMatchObject({ state: 'replaced' });
  });
});

describe('the outcome line', () => {
  it('gives counts and duration, and the failure in the operator’s words', () => {
    const run = { ...READY_STATUS.lastRun!, number: 2 };
    expect(outcomeLine(run, 'run 2 succeeded', 8803)).toBe(
      'run 2 succeeded in 27s: 8810 produced, 8803 loaded, 0 dead-lettered; the table holds 8803 records',
    );
    expect(outcomeLine({ ...run, succeeded: false }, 'run 2 failed: the producer failed: x', undefined)).toBe(
      'run 2 failed after 27s: the producer failed: x (8810 produced, 8803 loaded, 0 dead-lettered)',
    );
    expect(outcomeLine({ ...run, succeeded: false }, 'run 2 failed', undefined)).toBe(
      'run 2 failed after 27s: see its Events (8810 produced, 8803 loaded, 0 dead-lettered)',
    );
  });
});

describe('waiting for the run', () => {
  /** A pipeline whose successive reads show `statuses`, the last one repeated; a clock that moves only when waiting. */
  function fakeCluster(statuses: RecallPipelineStatus[], suspended = false) {
    let clock = 0;
    let reads = 0;
    const lines: string[] = [];
    const read = (): Promise<FoundPipeline> => {
      const status = statuses[Math.min(reads++, statuses.length - 1)]!;
      return Promise.resolve(resolvePipeline(pipelineObject({ status, spec: { suspend: suspended } })));
    };
    return {
      lines,
      reads: () => reads,
      options: {
        read,
        report: (line: string) => lines.push(line),
        now: () => clock,
        sleep: (ms: number) => Promise.resolve((clock += ms)),
        intervalMs: 2_000,
      },
    };
  }

  it('reports each new state once, and ends with the run', async () => {
    const fake = fakeCluster([
      withRun({}),
      withRun({}),
      withRun(RUN_2, 'run 2: producer running'),
      withRun(RUN_2, 'run 2: producer running'),
      withRun(RUN_2, 'run 2: consumer running'),
      withRun({ ...RUN_2, completionTime: '2026-12-01T05:01:05Z', succeeded: true }, 'run 2 succeeded'),
    ]);
    const result = await waitForRun(REQUEST, { ...fake.options, timeoutMs: 60_000 });
    expect(result).toMatchObject({ timedOut: false, progress: { state: 'finished', run: { number: 2 } } });
    expect(fake.lines).toEqual([
      'waiting for the operator to start it',
      'run 2: producer running',
      'run 2: consumer running',
    ]);
  });

  it('gives up at the timeout with the last state, held requests included', async () => {
    const fake = fakeCluster(
      [withRun({}, `run 1 succeeded; run-now "${REQUEST.trigger}" waits until spec.suspend is false`)],
      true,
    );
    const result = await waitForRun(REQUEST, { ...fake.options, timeoutMs: 9_000 });
    expect(result).toMatchObject({ timedOut: true, progress: { state: 'held' } });
    expect(fake.lines).toHaveLength(1);
    // Every 2 s until the deadline, then once more at it.
    expect(fake.reads()).toBe(6);
  });
});

describe('the run-now value', () => {
  it('is new at each request, and fits an annotation value and status.lastRun.trigger', () => {
    const value = newTrigger(new Date('2026-12-01T05:00:00.123Z'));
    expect(value).toBe('kubectl-recall-20261201T050000-123Z');
    expect(newTrigger(new Date('2026-12-01T05:00:00.124Z'))).not.toBe(value);
  });
});
