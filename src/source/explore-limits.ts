/** The Explore v2.1 API's path and paging rules, which the client obeys and the local API enforces. */
export const EXPLORE_PATH = '/api/explore/v2.1';

/** `limit` above this is refused (HTTP 400). */
export const MAX_PAGE_SIZE = 100;

/** `offset + limit` above this is refused (HTTP 400): no window may hold more records. */
export const MAX_OFFSET_PLUS_LIMIT = 10_000;
