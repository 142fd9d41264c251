/**
 * Connection settings for PostgreSQL, Kafka and Kubernetes, read from the standard environment
 * variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE as libpq reads them; KAFKA_BROKERS;
 * KUBECONFIG), with command-line flags taking precedence. Invalid values fail early with a message
 * that names the setting and its value.
 */
import { z } from 'zod';
import { settingsError } from './settings-error.ts';

type Source = Readonly<Record<string, string | undefined>>;

const port = z.coerce
  .number({ message: 'expected a port number' })
  .int('expected a whole port number')
  .min(1, 'expected a port number from 1 to 65535')
  .max(65535, 'expected a port number from 1 to 65535');

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const postgresSchema = z.object({
  PGHOST: nonEmpty.default('localhost'),
  PGPORT: port.default(5432),
  PGUSER: nonEmpty.optional(),
  PGPASSWORD: z.string().optional(),
  PGDATABASE: nonEmpty.optional(),
});

export interface PostgresSettings {
  host: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
}

/** libpq's variables, each overridable by a flag of the same meaning (`host`, `port`, ...). */
export function postgresSettings(env: Source, flags: Source = {}): PostgresSettings {
  const raw = {
    PGHOST: flags.host ?? env.PGHOST,
    PGPORT: flags.port ?? env.PGPORT,
    PGUSER: flags.user ?? env.PGUSER,
    PGPASSWORD: env.PGPASSWORD,
    PGDATABASE: flags.database ?? env.PGDATABASE,
  };
  const parsed = postgresSchema.safeParse(raw);
  if (!parsed.success) throw settingsError(parsed.error, raw);
  const { PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE } = parsed.data;
  return {
    host: PGHOST,
    port: PGPORT,
    ...(PGUSER !== undefined && { user: PGUSER }),
    ...(PGPASSWORD !== undefined && { password: PGPASSWORD }),
    ...(PGDATABASE !== undefined && { database: PGDATABASE }),
  };
}

const brokerAddress = z
  .string()
  .trim()
  .regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port');

const kafkaSchema = z.object({
  KAFKA_BROKERS: z
    .string({ message: 'is required: a comma-separated list of host:port' })
    .transform((value) => value.split(',').map((address) => address.trim()))
    .pipe(z.array(brokerAddress).min(1)),
});

export interface KafkaSettings {
  brokers: string[];
}

/** KAFKA_BROKERS, or the `brokers` flag: `host:port[,host:port...]`. */
export function kafkaSettings(env: Source, flags: Source = {}): KafkaSettings {
  const raw = { KAFKA_BROKERS: flags.brokers ?? env.KAFKA_BROKERS };
  const parsed = kafkaSchema.safeParse(raw);
  if (!parsed.success) throw settingsError(parsed.error, raw);
  return { brokers: parsed.data.KAFKA_BROKERS };
}

export interface KubernetesSettings {
  /** A kubeconfig file; undefined means client-node's defaults (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
}

export function kubernetesSettings(env: Source, flags: Source = {}): KubernetesSettings {
  const kubeconfig = flags.kubeconfig ?? env.KUBECONFIG;
  return kubeconfig ? { kubeconfig } : {};
}
