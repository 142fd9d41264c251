/**
 * Invalid RecallPipeline specs, each with the field it is wrong in and the words both validators
 * must use: the unit tests feed them to zod, the integration tests to the apiserver, so the CRD's
 * schema and CEL rules and the zod schema are held to the same cases. Every cross-field rule has
 * at least one case, which quotes the rule's message in `apiserverSays` (crd.test.ts checks it).
 */
import type { RecallPipelineSpecInput } from '../contract/recall-pipeline/spec-schema.ts';

export interface InvalidSpecCase {
  readonly title: string;
  /** Deliberately loose: invalid input is the point. */
  readonly spec: Record<string, unknown>;
  /** The field path both validators blame, from `spec`. */
  readonly field: string;
  /** Text the apiserver's message contains. */
  readonly apiserverSays: string;
  /** Text zod's message contains. */
  readonly zodSays: string;
}

/** Keeps the valid parts of the cases type-checked. */
const valid = (spec: RecallPipelineSpecInput): Record<string, unknown> => spec as Record<string, unknown>;

export const invalidSpecCases: readonly InvalidSpecCase[] = [
  {
    title: 'an unknown dataset',
    spec: { source: { dataset: 'rappelconso1' } },
    field: 'spec.source.dataset',
    apiserverSays: 'Unsupported value: "rappelconso1"',
    zodSays: 'expected one of "rappelconso0"|"rappelconso-v2-gtin-espaces"',
  },
  {
    title: 'a page size above the API maximum',
    spec: { source: { pageSize: 500 } },
    field: 'spec.source.pageSize',
    apiserverSays: 'should be less than or equal to 100',
    zodSays: 'expected number to be <=100',
  },
  {
    title: 'an API URL that is not http(s)',
    spec: { source: { apiUrl: 'ftp://data.economie.gouv.fr' } },
    field: 'spec.source.apiUrl',
    apiserverSays: 'should match',
    zodSays: 'must be an http(s) URL',
  },
  {
    title: 'a start date that is not a date',
    spec: { source: { startDate: '2024-13-45' } },
    field: 'spec.source.startDate',
    apiserverSays: 'must be of type date',
    zodSays: 'Invalid ISO date',
  },
  {
    title: 'strimzi mode without its cluster',
    spec: { kafka: { mode: 'strimzi' } },
    field: 'spec.kafka.strimzi',
    apiserverSays: 'kafka.strimzi is required when kafka.mode is strimzi',
    zodSays: 'kafka.strimzi is required when kafka.mode is strimzi',
  },
  {
    title: 'an external block in managed mode',
    spec: valid({ kafka: { mode: 'managed', external: { bootstrapServers: ['kafka:9092'] } } }),
    field: 'spec.kafka.external',
    apiserverSays: 'kafka.external is only allowed when kafka.mode is external',
    zodSays: 'kafka.external is only allowed when kafka.mode is external',
  },
  {
    title: 'external mode without its brokers',
    spec: { kafka: { mode: 'external' } },
    field: 'spec.kafka.external',
    apiserverSays: 'kafka.external is required when kafka.mode is external',
    zodSays: 'kafka.external is required when kafka.mode is external',
  },
  {
    title: 'a strimzi block in managed mode',
    spec: valid({ kafka: { mode: 'managed', strimzi: { clusterName: 'platform' } } }),
    field: 'spec.kafka.strimzi',
    apiserverSays: 'kafka.strimzi is only allowed when kafka.mode is strimzi',
    zodSays: 'kafka.strimzi is only allowed when kafka.mode is strimzi',
  },
  {
    title: 'a managed block in strimzi mode',
    spec: valid({ kafka: { mode: 'strimzi', strimzi: { clusterName: 'platform' }, managed: { replicas: 3 } } }),
    field: 'spec.kafka.managed',
    apiserverSays: 'kafka.managed is only allowed when kafka.mode is managed',
    zodSays: 'kafka.managed is only allowed when kafka.mode is managed',
  },
  {
    title: 'a dead-letter topic equal to the topic',
    spec: valid({ kafka: { topic: 'recalls', deadLetterTopic: 'recalls' } }),
    field: 'spec.kafka.deadLetterTopic',
    apiserverSays: 'kafka.deadLetterTopic must differ from kafka.topic (both are "recalls")',
    zodSays: 'kafka.deadLetterTopic must differ from kafka.topic',
  },
  {
    title: 'more topic replicas than managed Kafka nodes',
    spec: valid({ kafka: { replicas: 3, managed: { replicas: 1 } } }),
    field: 'spec.kafka.replicas',
    apiserverSays: 'kafka.replicas must not exceed the managed cluster’s node count (kafka.managed.replicas)',
    zodSays: 'kafka.replicas must not exceed the managed cluster’s node count',
  },
  {
    title: 'a topic name with spaces',
    spec: { kafka: { topic: 'rappel conso' } },
    field: 'spec.kafka.topic',
    apiserverSays: 'should match',
    zodSays: 'must be a Kafka topic name',
  },
  {
    title: 'no partitions',
    spec: { kafka: { partitions: 0 } },
    field: 'spec.kafka.partitions',
    apiserverSays: 'should be greater than or equal to 1',
    zodSays: 'expected number to be >=1',
  },
  {
    title: 'a table name that is not an identifier',
    spec: { postgres: { table: 'recalls; DROP TABLE users' } },
    field: 'spec.postgres.table',
    apiserverSays: 'should match',
    zodSays: 'must be a lower-case SQL identifier',
  },
  {
    title: 'external PostgreSQL without its server',
    spec: { postgres: { mode: 'external' } },
    field: 'spec.postgres.external',
    apiserverSays: 'postgres.external is required when postgres.mode is external',
    zodSays: 'postgres.external is required when postgres.mode is external',
  },
  {
    title: 'an external server in managed mode',
    spec: valid({ postgres: { mode: 'managed', external: { host: 'db.example', secretRef: { name: 'db' } } } }),
    field: 'spec.postgres.external',
    apiserverSays: 'postgres.external is only allowed when postgres.mode is external',
    zodSays: 'postgres.external is only allowed when postgres.mode is external',
  },
  {
    title: 'a managed server’s settings in external mode',
    spec: valid({
      postgres: {
        mode: 'external',
        external: { host: 'db.example', secretRef: { name: 'db' } },
        managed: { storage: { size: '1Gi' } },
      },
    }),
    field: 'spec.postgres.managed',
    apiserverSays: 'postgres.managed is only allowed when postgres.mode is managed',
    zodSays: 'postgres.managed is only allowed when postgres.mode is managed',
  },
  {
    title: 'a schedule that is neither cron nor preset',
    spec: { airflow: { schedule: 'every day' } },
    field: 'spec.airflow.schedule',
    apiserverSays: 'should match',
    zodSays: 'must be a cron expression of five fields or an Airflow preset',
  },
  {
    title: 'a memory limit that is not a quantity',
    spec: { jobs: { resources: { limits: { memory: '1 GB' } } } },
    field: 'spec.jobs.resources.limits.memory',
    apiserverSays: 'should match',
    zodSays: 'must be a quantity',
  },
  {
    title: 'a negative backoff limit',
    spec: { jobs: { backoffLimit: -1 } },
    field: 'spec.jobs.backoffLimit',
    apiserverSays: 'should be greater than or equal to 0',
    zodSays: 'expected number to be >=0',
  },
];
