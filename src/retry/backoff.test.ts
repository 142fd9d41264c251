import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.ts';

const retries = [0, 1, 2, 3, 4, 5, 6];

describe('backoffMs', () => {
  it('doubles from the initial wait and stops at the maximum', () => {
    const backoff = { initialMs: 200, maxMs: 3000 };
    expect(retries.map((retry) => backoffMs(backoff, retry))).toEqual([200, 400, 800, 1600, 3000, 3000, 3000]);
  });

  it('stays at the maximum however many retries, where 2 ** retry is no longer finite', () => {
    expect(backoffMs({ initialMs: 500, maxMs: 30_000 }, 2000)).toBe(30_000);
  });

  it('without jitter, never draws a random number', () => {
    const random = () => {
      throw new Error('drawn');
    };
    expect(backoffMs({ initialMs: 100, maxMs: 1000 }, 2, random)).toBe(400);
  });

  it('with jitter, draws each wait from the upper half of its step, the cap included', () => {
    const backoff = { initialMs: 100, maxMs: 1000, jitter: true };
    expect(retries.map((retry) => backoffMs(backoff, retry, () => 0))).toEqual([50, 100, 200, 400, 500, 500, 500]);
    expect(retries.map((retry) => backoffMs(backoff, retry, () => 0.5))).toEqual([75, 150, 300, 600, 750, 750, 750]);
    expect(retries.map((retry) => backoffMs(backoff, retry, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('rounds a jittered wait to whole milliseconds', () => {
    expect(backoffMs({ initialMs: 3, maxMs: 1000, jitter: true }, 0, () => 1 / 3)).toBe(2);
  });
});
