/**
 * What every construct of a pipeline needs to know, resolved once from the validated resource:
 * its names, where Kafka and PostgreSQL are, and where their credentials come from.
 */
import type { k8s } from 'cdk8s-plus-28';
import { PLACEHOLDER_DAG } from './airflow-dag.ts';
import { deadLetterTopic } from '../contract/pipeline-defaults.ts';
import { DEFAULT_MANAGED_KAFKA, type ManagedKafka } from '../contract/recall-pipeline/kafka-spec.ts';
import { DEFAULT_MANAGED_POSTGRES, type ManagedPostgres } from '../contract/recall-pipeline/postgres-spec.ts';
import type { RecallPipeline } from '../contract/recall-pipeline/recall-pipeline.ts';
import type { RecallPipelineSpec } from '../contract/recall-pipeline/spec-schema.ts';
import { componentSelector, pipelineLabels, type Labels } from './labels.ts';
import { objectName } from './names.ts';

/** Strimzi names its pods `<cluster>-<pool>-<id>`; both names stay short so those fit in 63. */
const STRIMZI_NAME_LENGTH = 24;

/** The user name of the managed PostgreSQL's owner role; not a secret. */
export const MANAGED_POSTGRES_USER = 'recall';
export const POSTGRES_PASSWORD_KEY = 'password';

/** Port of the plain listener of a Strimzi cluster, ours or the user's. */
export const KAFKA_PLAIN_PORT = 9092;

export type KafkaTarget =
  | { mode: 'managed'; cluster: string; nodePool: string; settings: ManagedKafka }
  | { mode: 'strimzi'; cluster: string }
  | { mode: 'external' };

export type PostgresTarget = { mode: 'managed'; settings: ManagedPostgres } | { mode: 'external' };

export interface PostgresConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly sslMode: string;
  readonly user: k8s.EnvVar;
  readonly password: k8s.EnvVar;
}

export interface PipelineContext {
  readonly name: string;
  /** The pipeline's uid once it exists in a cluster: its objects then get an owner reference to it. */
  readonly uid: string | undefined;
  readonly namespace: string;
  readonly spec: RecallPipelineSpec;
  readonly labels: Labels;
  readonly kafka: KafkaTarget;
  readonly bootstrapServers: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly postgres: PostgresTarget;
  /** Secret and Service of the managed PostgreSQL (unused with an external server). */
  readonly postgresName: string;
  readonly postgresConnection: PostgresConnection;
  /**
   * Whether the databases outlive the pipeline: a managed PostgreSQL with `onDelete: Retain`, or an
   * external server, which is never ours to delete. The generated Secrets that unlock them then do too.
   */
  readonly databaseOutlivesPipeline: boolean;
  /** The Airflow DAG's Python source (charts/airflow-dag.ts). */
  readonly dagSource: string;
  /** `<pipeline>-<suffix>` within the limits. */
  objectName(suffix: string): string;
  /** The selector labels of one component's pods. */
  selector(component: string): Labels;
}

function kafkaTarget(name: string, spec: RecallPipelineSpec): KafkaTarget {
  const { kafka } = spec;
  if (kafka.mode === 'strimzi') return { mode: 'strimzi', cluster: kafka.strimzi!.clusterName };
  if (kafka.mode === 'external') return { mode: 'external' };
  return {
    mode: 'managed',
    cluster: objectName(name, 'kafka', STRIMZI_NAME_LENGTH),
    nodePool: objectName(name, 'nodes', STRIMZI_NAME_LENGTH),
    settings: kafka.managed ?? DEFAULT_MANAGED_KAFKA,
  };
}

function bootstrapServers(spec: RecallPipelineSpec, target: KafkaTarget): string {
  if (target.mode === 'external') return spec.kafka.external!.bootstrapServers.join(',');
  if (target.mode === 'strimzi' && spec.kafka.strimzi?.bootstrapServers) return spec.kafka.strimzi.bootstrapServers;
  return `${target.cluster}-kafka-bootstrap:${KAFKA_PLAIN_PORT}`;
}

function postgresConnection(spec: RecallPipelineSpec, postgresName: string): PostgresConnection {
  const { postgres } = spec;
  if (postgres.mode === 'external') {
    const external = postgres.external!;
    const fromSecret = (name: string, key: string): k8s.EnvVar => ({
      name,
      valueFrom: { secretKeyRef: { name: external.secretRef.name, key } },
    });
    return {
      host: external.host,
      port: external.port,
      database: postgres.database,
      sslMode: external.sslMode,
      user: fromSecret('PGUSER', external.secretRef.usernameKey),
      password: fromSecret('PGPASSWORD', external.secretRef.passwordKey),
    };
  }
  return {
    host: postgresName,
    port: 5432,
    database: postgres.database,
    // Traffic stays inside the namespace, behind a NetworkPolicy; the managed server has no certificate.
    sslMode: 'disable',
    user: { name: 'PGUSER', value: MANAGED_POSTGRES_USER },
    password: { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: postgresName, key: POSTGRES_PASSWORD_KEY } } },
  };
}

export interface ContextOptions {
  /** Where objects go when the pipeline names no namespace. */
  readonly defaultNamespace?: string;
  readonly dagSource?: string;
}

export function pipelineContext(pipeline: RecallPipeline, options: ContextOptions = {}): PipelineContext {
  const { name } = pipeline.metadata;
  const { spec } = pipeline;
  const kafka = kafkaTarget(name, spec);
  const postgresName = objectName(name, 'postgres');
  const postgres: PostgresTarget =
    spec.postgres.mode === 'managed'
      ? { mode: 'managed', settings: spec.postgres.managed ?? DEFAULT_MANAGED_POSTGRES }
      : { mode: 'external' };
  return {
    name,
    uid: pipeline.metadata.uid,
    namespace: pipeline.metadata.namespace ?? options.defaultNamespace ?? 'default',
    spec,
    labels: pipelineLabels(name),
    kafka,
    bootstrapServers: bootstrapServers(spec, kafka),
    topic: spec.kafka.topic,
    deadLetterTopic: spec.kafka.deadLetterTopic ?? deadLetterTopic(spec.kafka.topic),
    postgres,
    postgresName,
    postgresConnection: postgresConnection(spec, postgresName),
    databaseOutlivesPipeline: postgres.mode === 'external' || postgres.settings.onDelete === 'Retain',
    dagSource: options.dagSource ?? PLACEHOLDER_DAG,
    objectName: (suffix) => objectName(name, suffix),
    selector: (component) => componentSelector(name, component),
  };
}

/** The libpq variables of a pod that talks to the pipeline's database. */
export function postgresEnv(connection: PostgresConnection, database = connection.database): k8s.EnvVar[] {
  return [
    { name: 'PGHOST', value: connection.host },
    { name: 'PGPORT', value: String(connection.port) },
    { name: 'PGDATABASE', value: database },
    { name: 'PGSSLMODE', value: connection.sslMode },
    connection.user,
    connection.password,
  ];
}
