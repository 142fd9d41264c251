/**
 * Exponential backoff, the one formula of every retry in the repository: the operator's work queue
 * and informers, and the Explore client. When the count starts over is each caller's own rule (a
 * success, a watch that stayed up, a new request), so the count is passed in, not kept here.
 */

export interface Backoff {
  /** The wait before the first retry, doubled for each next one ... */
  readonly initialMs: number;
  /** ... up to this. */
  readonly maxMs: number;
  /**
   * Draw each wait from the upper half of its step: many clients failing together then do not
   * retry in step, and no wait falls to nothing.
   */
  readonly jitter?: boolean;
}

/** The wait before retry number `retry`, counted from 0 for the first; whole milliseconds. */
export function backoffMs(backoff: Backoff, retry: number, random: () => number = Math.random): number {
  const step = Math.min(backoff.maxMs, backoff.initialMs * 2 ** retry);
  return Math.round(backoff.jitter ? step / 2 + random() * (step / 2) : step);
}
