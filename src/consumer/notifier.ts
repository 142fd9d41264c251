/**
 * Counts occurrences of an event and lets a waiter sleep until the next one, a timeout or an abort,
 * whichever comes first. The count closes the gap between checking and starting to wait: an event
 * that happened in between ends the wait at once instead of being missed.
 */
export class Notifier {
  #count = 0;
  readonly #waiters = new Set<() => void>();

  get count(): number {
    return this.#count;
  }

  notify(): void {
    this.#count += 1;
    for (const wake of this.#waiters) wake();
  }

  /** Resolves once the count has moved past `seen`, after `timeoutMs`, or when `signal` aborts. */
  after(seen: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#count !== seen || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', wake);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      signal?.addEventListener('abort', wake, { once: true });
      this.#waiters.add(wake);
    });
  }
}
