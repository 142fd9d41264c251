/**
 * Waiting on something observable, for every tier of tests and for the environments they run in:
 * one helper, so each waits alike and fails alike, saying what it waited for, how long, and the
 * last reason it was not there yet.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface UntilOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** More to tell when the wait fails, read only then: the tail of the awaited process's log, say. */
  readonly detail?: () => string;
}

/** Thrown by a check to end the wait at once: waiting longer cannot help (a pod that failed). */
export class StopWaiting extends Error {
  override name = 'StopWaiting';
}

/**
 * Polls `check` until it returns a value other than undefined or false, and returns it. Errors
 * thrown by the check count as "not yet" and the last one is reported on timeout; StopWaiting ends
 * the wait at once.
 */
export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  options: UntilOptions | number = {},
): Promise<T> {
  const {
    timeoutMs = 60_000,
    intervalMs = 200,
    detail,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof StopWaiting) {
        throw new StopWaiting(`waiting for ${what}: ${error.message}${detail?.() ?? ''}`, { cause: error });
      }
      lastError = error;
    }
    if (Date.now() - started > timeoutMs) {
      const last = lastError === undefined ? '' : `; last: ${errorText(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}${detail?.() ?? ''}`, {
        cause: lastError,
      });
    }
    await sleep(intervalMs);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
