/**
 * When and how long the Explore client waits before trying a request again: exponential backoff
 * with jitter (so many clients do not retry in step), or exactly what the server asked for in
 * Retry-After.
 */

import { backoffMs } from '../retry/backoff.ts';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the first retry, doubled for each next one ... */
  baseDelayMs: number;
  /** ... up to this. */
  maxDelayMs: number;
  /** A Retry-After longer than this is cut to it, so a bad header cannot stall a run for hours. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** 429 (rate limited) and 5xx are worth another try; other statuses would answer the same again. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** The wait before retry number `retry` (0 for the first), jittered: many clients do not retry in step. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  return backoffMs({ initialMs: policy.baseDelayMs, maxMs: policy.maxDelayMs, jitter: true }, retry, random);
}

/** Retry-After as milliseconds: either delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterDelay(header: string | null, policy: RetryPolicy, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  const milliseconds = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (Number.isNaN(milliseconds)) return undefined;
  return Math.min(policy.maxRetryAfterMs, Math.max(0, milliseconds));
}
