/**
 * Publication values as instants, so windows can be bisected and compared whatever the dataset's
 * granularity. Shared by the client (window bounds) and the local API (where and order_by).
 */
import type { PublicationGranularity } from '../records/dataset-source.ts';

export const DAY_MS = 86_400_000;

/** Epoch milliseconds of a publication value, or undefined when it is not one. */
export function publicationInstant(value: unknown, granularity: PublicationGranularity): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (granularity === 'date' || /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
    const instant = Date.parse(`${value}T00:00:00Z`);
    // Date.parse rolls 2021-02-30 over to March; a real day formats back to itself.
    return Number.isNaN(instant) || !new Date(instant).toISOString().startsWith(value) ? undefined : instant;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return undefined;
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? undefined : instant;
}

/** The literal a `where` bound is written with. */
export function publicationLiteral(instant: number, granularity: PublicationGranularity): string {
  const iso = new Date(instant).toISOString();
  return granularity === 'date' ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
}

/** The smallest step between two distinct bounds. */
export function publicationStep(granularity: PublicationGranularity): number {
  return granularity === 'date' ? DAY_MS : 1000;
}

/** Rounds an instant down to the granularity, so every bound is one the API can be asked about. */
export function floorToStep(instant: number, granularity: PublicationGranularity): number {
  const step = publicationStep(granularity);
  return Math.floor(instant / step) * step;
}
