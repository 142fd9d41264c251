/**
 * The reconcile queue, keyed by `namespace/name`.
 *
 * - Events for one key coalesce: a key waiting in the queue is queued once however often it is added.
 * - At most one reconcile per key runs at a time; a key added while it runs is reconciled again
 *   right after, so the last event is never lost.
 * - Concurrency across keys is bounded.
 * - Failures are retried with per-key exponential backoff; a success resets it.
 */

import { backoffMs, type Backoff } from '../../src/retry/backoff.ts';

export interface WorkQueueOptions {
  /** How many keys may be reconciled at once. */
  concurrency: number;
  /** First retry delay after a failure, doubled at each further failure of the same key. */
  baseRetryDelayMs?: number;
  /** Upper bound of the retry delay. */
  maxRetryDelayMs?: number;
}

export type KeyHandler = (key: string) => Promise<void>;

export interface QueueObserver {
  /** Called whenever the number of waiting keys changes. */
  depth?: (waiting: number) => void;
  /** Called when a handler failed; the key is retried after `retryInMs`. */
  failed?: (key: string, error: unknown, retryInMs: number) => void;
}

export class WorkQueue {
  readonly #concurrency: number;
  readonly #backoff: Backoff;
  readonly #handler: KeyHandler;
  readonly #observer: QueueObserver;
  /** Keys waiting for a worker, in arrival order (a Set keeps order and coalesces). */
  readonly #waiting = new Set<string>();
  readonly #running = new Set<string>();
  /** Keys added again while running: they go back to the queue when their run ends. */
  readonly #dirty = new Set<string>();
  readonly #delayed = new Map<string, NodeJS.Timeout>();
  readonly #failures = new Map<string, number>();
  readonly #idleWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(handler: KeyHandler, options: WorkQueueOptions, observer: QueueObserver = {}) {
    this.#handler = handler;
    this.#observer = observer;
    this.#concurrency = options.concurrency;
    this.#backoff = { initialMs: options.baseRetryDelayMs ?? 200, maxMs: options.maxRetryDelayMs ?? 60_000 };
  }

  get depth(): number {
    return this.#waiting.size;
  }

  /** Queues a key now. */
  add(key: string): void {
    if (this.#stopped) return;
    this.#clearDelay(key);
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    this.#waiting.add(key);
    this.#observer.depth?.(this.#waiting.size);
    this.#pump();
  }

  /** Queues a key after a delay, unless it is queued sooner; the earliest request wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped || this.#delayed.has(key)) return;
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#delayed.set(key, timer);
  }

  /** Drops a key's retry state, e.g. when its object was deleted. */
  forget(key: string): void {
    this.#clearDelay(key);
    this.#failures.delete(key);
  }

  /** Resolves once nothing is waiting, running or scheduled soon (delayed retries excepted). */
  async idle(): Promise<void> {
    if (this.#isIdle()) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops taking keys and waits for the reconciles in flight to finish. */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    this.#waiting.clear();
    this.#dirty.clear();
    await this.idle();
  }

  #isIdle(): boolean {
    return this.#waiting.size === 0 && this.#running.size === 0;
  }

  #clearDelay(key: string): void {
    const timer = this.#delayed.get(key);
    if (timer) clearTimeout(timer);
    this.#delayed.delete(key);
  }

  #pump(): void {
    while (this.#running.size < this.#concurrency) {
      const key = this.#nextRunnable();
      if (key === undefined) break;
      this.#waiting.delete(key);
      this.#observer.depth?.(this.#waiting.size);
      this.#running.add(key);
      void this.#runKey(key);
    }
  }

  #nextRunnable(): string | undefined {
    for (const key of this.#waiting) if (!this.#running.has(key)) return key;
    return undefined;
  }

  async #runKey(key: string): Promise<void> {
    try {
      await this.#handler(key);
      this.#failures.delete(key);
    } catch (error) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      const delay = backoffMs(this.#backoff, failures - 1);
      this.#observer.failed?.(key, error, delay);
      // A newer event for this key is retried at once rather than after the backoff.
      if (!this.#dirty.has(key)) this.addAfter(key, delay);
    } finally {
      this.#running.delete(key);
      if (this.#dirty.delete(key)) this.add(key);
      this.#pump();
      if (this.#isIdle()) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }
}
