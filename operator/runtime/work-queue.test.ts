import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { until } from '../../test/until.ts';
import { WorkQueue } from './work-queue.ts';

/** A handler that records calls and lets the test decide when each one finishes. */
function controllableHandler() {
  const calls: string[] = [];
  const pending: { key: string; finish: (error?: Error) => void }[] = [];
  let active = 0;
  let maxActive = 0;
  const handler = (key: string) => {
    calls.push(key);
    active += 1;
    maxActive = Math.max(maxActive, active);
    return new Promise<void>((resolve, reject) => {
      pending.push({
        key,
        finish: (error) => {
          active -= 1;
          if (error) reject(error);
          else resolve();
        },
      });
    });
  };
  return { handler, calls, pending, maxActive: () => maxActive };
}

describe('WorkQueue', () => {
  it('coalesces repeated adds of a waiting key', async () => {
    const calls: string[] = [];
    const queue = new WorkQueue(
      async (key) => {
        calls.push(key);
        await sleep(5);
      },
      { concurrency: 1 },
    );
    queue.add('a');
    queue.add('b');
    queue.add('b');
    queue.add('b');
    await queue.idle();
    expect(calls).toEqual(['a', 'b']);
  });

  it('never runs one key twice at once, and reruns it after an add during its run', async () => {
    const { handler, calls, pending, maxActive } = controllableHandler();
    const queue = new WorkQueue(handler, { concurrency: 4 });
    queue.add('a');
    queue.add('a');
    expect(calls).toEqual(['a']);
    queue.add('a'); // while running: marked dirty
    queue.add('a');
    expect(calls).toEqual(['a']);
    pending.shift()!.finish();
    await sleep(0);
    expect(calls).toEqual(['a', 'a']);
    pending.shift()!.finish();
    await queue.idle();
    expect(calls).toEqual(['a', 'a']);
    expect(maxActive()).toBe(1);
  });

  it('bounds concurrency across keys', async () => {
    const { handler, pending, maxActive } = controllableHandler();
    const queue = new WorkQueue(handler, { concurrency: 2 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) queue.add(key);
    expect(queue.depth).toBe(3);
    while (pending.length > 0) {
      pending.shift()!.finish();
      await sleep(0);
    }
    await queue.idle();
    expect(maxActive()).toBe(2);
  });

  it('retries a failing key with growing delays and resets after a success', async () => {
    const attempts: number[] = [];
    const delays: number[] = [];
    let failuresLeft = 3;
    const queue = new WorkQueue(
      async () => {
        attempts.push(Date.now());
        if (failuresLeft-- > 0) throw new Error('apiserver said no');
        await Promise.resolve();
      },
      { concurrency: 1, baseRetryDelayMs: 10, maxRetryDelayMs: 1000 },
      { failed: (_key, _error, retryInMs) => delays.push(retryInMs) },
    );
    queue.add('a');
    await until(() => attempts.length >= 4, 'four attempts', { timeoutMs: 4000, intervalMs: 5 });
    expect(delays).toEqual([10, 20, 40]);
    expect(attempts[3]! - attempts[0]!).toBeGreaterThanOrEqual(60);
  });

  it('shutdown waits for the reconcile in flight and takes no new keys', async () => {
    const { handler, calls, pending } = controllableHandler();
    const queue = new WorkQueue(handler, { concurrency: 1 });
    queue.add('a');
    queue.add('b');
    const done = queue.shutdown();
    queue.add('c');
    pending.shift()!.finish();
    await done;
    expect(calls).toEqual(['a']);
  });
});
