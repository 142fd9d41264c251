/**
 * Every record published from a lower bound on, page by page, in the API's order (publication,
 * then reference): windows from publication-windows.ts, each paged with `offset` below the cap.
 */
import type { DatasetSource, RawRecord } from '../records/dataset-source.ts';
import type { ExploreClient } from './explore-client.ts';
import { MAX_OFFSET_PLUS_LIMIT, MAX_PAGE_SIZE } from './explore-limits.ts';
import { planWindows, type PublicationWindow } from './publication-windows.ts';

export interface RecordPagesOptions {
  /** The `>=` bound on the publication field; undefined reads from the first record. */
  lowerBound?: string;
  pageSize?: number;
  /** The pipeline's own ODSQL condition, combined with every window's. */
  filter?: string;
  /** The most records one window may hold (the API's offset + limit cap; lower in tests). */
  windowCap?: number;
  now?: number;
  onWindow?: (window: PublicationWindow, count: number) => void;
}

export function whereClause(field: string, window: PublicationWindow): string | undefined {
  const terms = [
    ...(window.from === undefined ? [] : [`${field} >= '${window.from}'`]),
    ...(window.to === undefined ? [] : [`${field} < '${window.to}'`]),
  ];
  return terms.length === 0 ? undefined : terms.join(' and ');
}

/** `(<filter>) and <window>`: the filter in parentheses, so an `or` inside it cannot escape the window. */
export function withFilter(filter: string | undefined, window: string | undefined): string | undefined {
  if (filter === undefined || filter.trim() === '') return window;
  return window === undefined ? `(${filter})` : `(${filter}) and ${window}`;
}

export async function* recordPages(
  client: ExploreClient,
  source: DatasetSource,
  options: RecordPagesOptions = {},
): AsyncGenerator<RawRecord[]> {
  const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const cap = Math.min(options.windowCap ?? MAX_OFFSET_PLUS_LIMIT, MAX_OFFSET_PLUS_LIMIT);
  const orderBy = `${source.publicationField} ASC, ${source.referenceField} ASC`;
  const where = (window: PublicationWindow) => withFilter(options.filter, whereClause(source.publicationField, window));
  const count = async (window: PublicationWindow) =>
    (await client.records(source.dataset, { where: where(window), orderBy, limit: 0, offset: 0 })).totalCount;

  for await (const { window, count: planned } of planWindows(options.lowerBound, count, {
    granularity: source.granularity,
    cap,
    now: options.now,
  })) {
    options.onWindow?.(window, planned);
    const fetchPage = (offset: number) => {
      const limit = Math.min(pageSize, cap - offset);
      const request = client
        .records(source.dataset, { where: where(window), orderBy, limit, offset })
        .then((page) => ({ page, limit }));
      // Awaited on the next turn; a caller that stops reading first leaves it unobserved, not unhandled.
      request.catch(() => {});
      return request;
    };
    let next = fetchPage(0);
    for (let offset = 0; ;) {
      const { page, limit } = await next;
      offset += page.results.length;
      const more = page.results.length === limit && offset < page.totalCount;
      // The next page is asked for before this one is handed over, so the API answers while the
      // caller validates and sends: paging costs one round trip, not one per page.
      if (more && offset < cap) next = fetchPage(offset);
      if (page.results.length > 0) yield page.results;
      if (!more) break;
      if (offset >= cap) {
        // The window grew past the cap while being read; what was read is kept, the rest waits.
        throw new Error(
          `window ${where(window)} grew to ${page.totalCount} records while being read, more than ${cap}; run again to resume`,
        );
      }
    }
  }
}
