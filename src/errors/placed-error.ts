/**
 * An error whose message starts with where it happened (`PostgreSQL host:port/db, table t: ...`,
 * `Kafka host:port, topic t: ...`): client libraries say what went wrong but rarely against what,
 * and this message becomes the last line a Job's log shows.
 */
export function placedError(place: string, error: unknown): Error {
  return new Error(`${place}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/** How a PostgreSQL server is named in messages: host:port/database. */
export function postgresPlace({ host, port, database }: { host: string; port: number; database?: string }): string {
  return `PostgreSQL ${host}:${port}${database ? `/${database}` : ''}`;
}
