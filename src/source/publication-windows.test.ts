import { describe, expect, it } from 'vitest';
import { publicationInstant } from './publication-time.ts';
import { planWindows, WindowTooLargeError, type PlannedWindow, type PublicationWindow } from './publication-windows.ts';

/** Counts records per day the way the API would answer `limit=0` for a window. */
function counter(perDay: Record<string, number>) {
  const asked: PublicationWindow[] = [];
  const count = (window: PublicationWindow) => {
    asked.push(window);
    const from = window.from === undefined ? -Infinity : publicationInstant(window.from, 'timestamp')!;
    const to = window.to === undefined ? Infinity : publicationInstant(window.to, 'timestamp')!;
    return Promise.resolve(
      Object.entries(perDay)
        .filter(([day]) => {
          const instant = publicationInstant(day, 'date')!;
          return instant >= from && instant < to;
        })
        .reduce((sum, [, records]) => sum + records, 0),
    );
  };
  return { count, asked };
}

async function plan(...args: Parameters<typeof planWindows>): Promise<PlannedWindow[]> {
  const windows: PlannedWindow[] = [];
  for await (const window of planWindows(...args)) windows.push(window);
  return windows;
}

const now = Date.parse('2024-01-01T12:00:00Z');

describe('planWindows', () => {
  it('asks once and reads everything in one window when it fits', async () => {
    const { count, asked } = counter({ '2023-01-01': 60, '2023-06-30': 40 });
    expect(await plan('2023-01-01', count, { granularity: 'date', cap: 100, now })).toEqual([
      { window: { from: '2023-01-01' }, count: 100 },
    ]);
    expect(asked).toHaveLength(1);
  });

  it('splits a range too big into whole-day windows under the cap, in order, covering every record', async () => {
    const perDay: Record<string, number> = {};
    for (let day = 1; day <= 28; day++) perDay[`2023-02-${String(day).padStart(2, '0')}`] = day * 3;
    const total = Object.values(perDay).reduce((sum, records) => sum + records, 0);
    const windows = await plan('2023-02-01', counter(perDay).count, { granularity: 'date', cap: 100, now });
    expect(windows.reduce((sum, window) => sum + window.count, 0)).toBe(total);
    for (const window of windows) {
      expect(window.count).toBeLessThanOrEqual(100);
      expect(window.window.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // Contiguous: each window starts where the one before ended.
    windows.slice(1).forEach((window, index) => expect(window.window.from).toBe(windows[index]!.window.to));
    expect(windows[0]!.window.from).toBe('2023-02-01');
  });

  it('starts from the epoch when there is no lower bound', async () => {
    const windows = await plan(undefined, counter({ '2018-01-19': 70, '2023-06-30': 70 }).count, {
      granularity: 'date',
      cap: 100,
      now,
    });
    expect(windows.map((window) => window.count)).toEqual([70, 70]);
    // Empty windows are not read: the first one read starts somewhere before the first record.
    expect(windows[0]!.window.from! < '2018-01-19').toBe(true);
  });

  it('fails clearly when a single day holds more than the cap', async () => {
    await expect(
      plan('2023-01-01', counter({ '2023-01-02': 150 }).count, { granularity: 'date', cap: 100, now }),
    ).rejects.toThrow(WindowTooLargeError);
  });

  it('splits below a day when publication is an instant', async () => {
    const instants: number[] = Array.from(
      { length: 300 },
      (_, index) => Date.parse('2026-08-20T08:00:00Z') + index * 60_000,
    );
    const count = (window: PublicationWindow) => {
      const from = window.from === undefined ? -Infinity : Date.parse(window.from);
      const to = window.to === undefined ? Infinity : Date.parse(window.to);
      return Promise.resolve(instants.filter((instant) => instant >= from && instant < to).length);
    };
    const windows = await plan('2026-08-20T08:00:00+00:00', count, {
      granularity: 'timestamp',
      cap: 100,
      now: Date.parse('2026-08-21T00:00:00Z'),
    });
    expect(windows.reduce((sum, window) => sum + window.count, 0)).toBe(300);
    expect(windows.every((window) => window.count <= 100)).toBe(true);
    expect(windows[0]!.window.from).toBe('2026-08-20T08:00:00+00:00');
  });
});
