/**
 * Splits "everything published from a lower bound on" into windows of at most `cap` records, so
 * each can be paged with offsets without reaching the API's offset + limit ≤ 10,000 rule. A window
 * too big is cut in two at its middle instant, recursively; counts come from the API (`limit=0`
 * answers `total_count` alone).
 */
import type { PublicationGranularity } from '../records/dataset-source.ts';
import { DAY_MS, floorToStep, publicationInstant, publicationLiteral } from './publication-time.ts';

/** `from` inclusive, `to` exclusive; a missing bound is open. Bounds are `where` literals. */
export interface PublicationWindow {
  from?: string;
  to?: string;
}

export interface PlannedWindow {
  window: PublicationWindow;
  /** The record count the API gave when the window was planned. */
  count: number;
}

export interface WindowPlanOptions {
  granularity: PublicationGranularity;
  /** The most records one window may hold. */
  cap: number;
  /** Records are published up to about now; later bounds are open. */
  now?: number;
}

export class WindowTooLargeError extends Error {
  override name = 'WindowTooLargeError';
}

/**
 * The windows covering [lowerBound, ∞), in publication order, each with at most `cap` records.
 * Yields lazily, so a window is only counted when the one before it has been consumed.
 */
export async function* planWindows(
  lowerBound: string | undefined,
  count: (window: PublicationWindow) => Promise<number>,
  options: WindowPlanOptions,
): AsyncGenerator<PlannedWindow> {
  const { granularity, cap } = options;
  const whole: PublicationWindow = lowerBound === undefined ? {} : { from: lowerBound };
  const total = await count(whole);
  if (total <= cap) {
    yield { window: whole, count: total };
    return;
  }
  // Nothing should be published after now; a bound two days later (clocks differ) closes the range for bisection.
  const horizon = floorToStep((options.now ?? Date.now()) + 2 * DAY_MS, granularity);
  const horizonLiteral = publicationLiteral(horizon, granularity);
  const beyond = await count({ from: horizonLiteral });
  // An unbounded start is bisected from the epoch: a few more counts, no guessing.
  const start = lowerBound === undefined ? 0 : publicationInstant(lowerBound, 'timestamp');
  if (start === undefined) throw new Error(`lower bound "${lowerBound}": not a date or ISO 8601 instant`);

  async function* split(from: number, to: number, records: number): AsyncGenerator<PlannedWindow> {
    const window: PublicationWindow = {
      from: from === start && lowerBound !== undefined ? lowerBound : publicationLiteral(from, granularity),
      to: publicationLiteral(to, granularity),
    };
    if (records <= cap) {
      if (records > 0) yield { window, count: records };
      return;
    }
    const middle = floorToStep(from + (to - from) / 2, granularity);
    if (middle <= from || middle >= to) {
      throw new WindowTooLargeError(
        `${records} records published in [${window.from}, ${window.to}), a span that cannot be split, ` +
          `is more than the ${cap} one query may page through`,
      );
    }
    const firstHalf = await count({ from: window.from, to: publicationLiteral(middle, granularity) });
    yield* split(from, middle, firstHalf);
    yield* split(middle, to, records - firstHalf);
  }

  if (start < horizon) yield* split(start, horizon, total - beyond);
  if (beyond > cap) {
    throw new WindowTooLargeError(
      `${beyond} records published after ${horizonLiteral}: more than ${cap} in the future`,
    );
  }
  if (beyond > 0) yield { window: { from: horizonLiteral }, count: beyond };
}
