import { describe, expect, it } from 'vitest';
import { formatAge, formatElapsed, parseDuration } from './durations.ts';

describe('durations', () => {
  it('reads what kubectl wait --timeout reads', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    for (const bad of ['', '10', 'm', '5 m', '-1s', '1d']) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('writes ages as kubectl get does, and elapsed times exactly enough to compare runs', () => {
    expect([5_000, 119_000, 120_000, 7_199_000, 7_200_000, 172_800_000].map(formatAge)).toEqual([
      '5s',
      '119s',
      '2m',
      '119m',
      '2h',
      '2d',
    ]);
    expect(formatAge(-3_000)).toBe('0s');
    expect([9_400, 65_000, 3_720_000].map(formatElapsed)).toEqual(['9s', '1m5s', '1h2m']);
  });
});
