import { describe, expect, it } from 'vitest';
import { mergeConditions } from './conditions.ts';

describe('mergeConditions', () => {
  const t0 = new Date('2026-01-01T00:00:00.123Z');
  const t1 = new Date('2026-01-01T00:05:00Z');

  it('stamps a new condition with the time of observation, to the second', () => {
    const [ready] = mergeConditions([], [{ type: 'Ready', status: 'False', reason: 'Starting', message: '' }], t0);
    expect(ready?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
  });

  it('keeps the transition time while the status stays, and moves it when it changes', () => {
    const first = mergeConditions([], [{ type: 'Ready', status: 'False', reason: 'Starting', message: 'a' }], t0);
    const same = mergeConditions(first, [{ type: 'Ready', status: 'False', reason: 'Waiting', message: 'b' }], t1);
    expect(same[0]?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    expect(same[0]?.reason).toBe('Waiting');
    const flipped = mergeConditions(same, [{ type: 'Ready', status: 'True', reason: 'Ready', message: '' }], t1);
    expect(flipped[0]?.lastTransitionTime).toBe('2026-01-01T00:05:00Z');
  });
});
