import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryableStatus, retryAfterDelay, type RetryPolicy } from './retry-policy.ts';

const policy: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

describe('retry policy', () => {
  it('retries 429 and 5xx only', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404].some(isRetryableStatus)).toBe(false);
  });

  it('doubles the wait per retry up to the maximum, jittered within its upper half', () => {
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(policy, retry, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(policy, retry, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('reads Retry-After as seconds or as an HTTP date, capped', () => {
    const now = Date.parse('2026-08-21T10:00:00Z');
    expect(retryAfterDelay('2', policy, now)).toBe(2000);
    expect(retryAfterDelay('Fri, 21 Aug 2026 10:00:03 GMT', policy, now)).toBe(3000);
    expect(retryAfterDelay('3600', policy, now)).toBe(5000);
    expect(retryAfterDelay('Fri, 21 Aug 2026 09:00:00 GMT', policy, now)).toBe(0);
    expect(retryAfterDelay(null, policy, now)).toBeUndefined();
    expect(retryAfterDelay('soon', policy, now)).toBeUndefined();
  });
});
