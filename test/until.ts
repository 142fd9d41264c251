/** Waiting on something observable, for every tier of tests: one helper, so each waits alike. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface UntilOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/** Thrown by a check to end the wait at once: waiting longer cannot help (a pod that failed). */
export class StopWaiting extends Error {
  override name = 'StopWaiting';
}

/**
 * Polls `check` until it returns a value other than undefined or false, and returns it. Errors
 * thrown by the check count as "not yet", except StopWaiting; on timeout the error names `what`
 * and the last error seen.
 */
export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  options: UntilOptions | number = {},
): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 200 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
      );
    }
    await sleep(intervalMs);
  }
}
