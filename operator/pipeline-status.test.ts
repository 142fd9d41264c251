import { describe, expect, it } from 'vitest';
import { nextStatus, sameStatus, type Observation } from './pipeline-status.ts';

const observation: Observation = {
  generation: 3,
  phase: 'Provisioning',
  conditions: [{ type: 'Ready', status: 'False', reason: 'KafkaNotReady', message: 'topics not ready' }],
  lastRun: undefined,
};

describe('pipeline status', () => {
  it('is the same when nothing changed, however later it is computed', () => {
    const first = nextStatus(undefined, observation, new Date('2026-01-01T00:00:00Z'));
    const again = nextStatus(first, observation, new Date('2026-01-01T01:00:00Z'));
    expect(sameStatus(first, again)).toBe(true);
    expect(first.conditions?.[0]).toMatchObject({ observedGeneration: 3, lastTransitionTime: '2026-01-01T00:00:00Z' });
  });

  it('compares with the defaults the apiserver fills in', () => {
    const withRun = nextStatus(
      undefined,
      {
        ...observation,
        lastRun: {
          number: 1,
          startTime: '2026-01-01T00:00:00Z',
          recordsProduced: 0,
          recordsLoaded: 0,
          recordsDeadLettered: 0,
        },
      },
      new Date(),
    );
    const stored = JSON.parse(JSON.stringify(withRun)) as { lastRun: Record<string, unknown> };
    delete stored.lastRun.recordsLoaded;
    expect(sameStatus(stored, withRun)).toBe(true);
  });

  it('differs when a condition, the phase or the generation changes', () => {
    const first = nextStatus(undefined, observation, new Date());
    expect(sameStatus(first, nextStatus(first, { ...observation, generation: 4 }, new Date()))).toBe(false);
    expect(sameStatus(first, nextStatus(first, { ...observation, phase: 'Ready' }, new Date()))).toBe(false);
    expect(sameStatus(undefined, first)).toBe(false);
  });

  it('keeps what the data plane reports', () => {
    const next = nextStatus({ checkpoint: '2026-01-01', totalRecordsLoaded: 8810 }, observation, new Date());
    expect(next).toMatchObject({ checkpoint: '2026-01-01', totalRecordsLoaded: 8810 });
  });
});
