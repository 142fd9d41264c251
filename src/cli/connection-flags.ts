/**
 * The flags every data-plane command accepts to override the standard connection variables
 * (PGHOST, PGPORT, PGUSER, PGDATABASE, KAFKA_BROKERS), for node:util parseArgs.
 */
export const connectionFlagOptions = {
  host: { type: 'string' },
  port: { type: 'string' },
  user: { type: 'string' },
  database: { type: 'string' },
  brokers: { type: 'string' },
} as const;

export type ConnectionFlags = {
  host?: string;
  port?: string;
  user?: string;
  database?: string;
  brokers?: string;
};

/** Only the connection flags out of a command's parsed values (settings expect strings only). */
export function connectionFlags(values: ConnectionFlags): ConnectionFlags {
  const { host, port, user, database, brokers } = values;
  return { host, port, user, database, brokers };
}
