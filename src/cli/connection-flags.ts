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

/** The connection flags' lines of a command's usage; `kafka: false` for a command that needs no broker. */
export function connectionUsage({ kafka = true } = {}): string {
  return (
    'connection (flags win over the standard variables):\n' +
    '  --host H --port N --user U --database D   PostgreSQL (default: PGHOST, PGPORT, PGUSER, PGDATABASE;\n' +
    '                                            the password only from PGPASSWORD)\n' +
    (kafka ? '  --brokers HOST:PORT[,...]                 Kafka (default: KAFKA_BROKERS)\n' : '')
  );
}

/** Only the connection flags out of a command's parsed values (settings expect strings only). */
export function connectionFlags(values: ConnectionFlags): ConnectionFlags {
  const { host, port, user, database, brokers } = values;
  return { host, port, user, database, brokers };
}
