import { describe, expect, it } from 'vitest';
import { Notifier } from './notifier.ts';

describe('Notifier', () => {
  it('ends a wait at the next notification, well before its timeout', async () => {
    const notifier = new Notifier();
    const waiting = notifier.after(notifier.count, 60_000);
    notifier.notify();
    await expect(waiting).resolves.toBeUndefined();
    expect(notifier.count).toBe(1);
  });

  it('does not wait at all when a notification came between reading the count and waiting', async () => {
    const notifier = new Notifier();
    const seen = notifier.count;
    notifier.notify();
    await expect(notifier.after(seen, 60_000)).resolves.toBeUndefined();
  });

  it('ends a wait when the signal aborts, and after the timeout when nothing happens', async () => {
    const notifier = new Notifier();
    const stop = new AbortController();
    const waiting = notifier.after(notifier.count, 60_000, stop.signal);
    stop.abort();
    await expect(waiting).resolves.toBeUndefined();
    await expect(notifier.after(notifier.count, 1)).resolves.toBeUndefined();
  });
});
