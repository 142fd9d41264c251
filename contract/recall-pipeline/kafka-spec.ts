/**
 * `spec.kafka`: which Kafka cluster carries the records, and the topics. One of three modes, a
 * discriminated union in the Kubernetes style (a `mode` field plus one optional block per mode),
 * because a structural CRD schema cannot express oneOf over object shapes.
 */
import { z } from 'zod';
import { DEFAULT_TOPIC } from '../pipeline-defaults.ts';
import { withCrossFieldRules, type CrossFieldRule } from './cross-field-rule.ts';
import { dnsLabel, hostPort, quantity, topicName } from './field-formats.ts';
import { resourcesSchema } from './resources-schema.ts';

export const KAFKA_MODES = ['managed', 'strimzi', 'external'] as const;
export type KafkaMode = (typeof KAFKA_MODES)[number];

/** Seven days, Kafka's own default retention, spelled out so the KafkaTopic states it. */
export const DEFAULT_RETENTION_MS = 604_800_000;

export const managedKafkaSchema = z
  .strictObject({
    replicas: z
      .int()
      .min(1)
      .max(9)
      .default(1)
      .meta({ description: 'Number of Kafka nodes, each both KRaft controller and broker.' }),
    storage: z
      .strictObject({
        size: quantity.default('10Gi').meta({ description: 'Size of each node’s persistent volume.' }),
        storageClassName: z
          .string()
          .min(1)
          .optional()
          .meta({ description: 'StorageClass of the volumes; the cluster default when unset.' }),
      })
      .prefault({})
      .meta({ description: 'Persistent storage of each Kafka node.' }),
    resources: resourcesSchema(
      { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      'each Kafka node',
    ),
  })
  .meta({ description: 'A Strimzi Kafka cluster in KRaft mode (Kafka + KafkaNodePool) created for this pipeline.' });

export type ManagedKafka = z.output<typeof managedKafkaSchema>;

/** Brokers of the managed cluster when `kafka.managed` is left out. */
export const DEFAULT_MANAGED_KAFKA: ManagedKafka = managedKafkaSchema.parse({});

const strimziClusterSchema = z
  .strictObject({
    clusterName: dnsLabel.meta({ description: 'Name of the Strimzi Kafka resource in the pipeline’s namespace.' }),
    bootstrapServers: hostPort
      .optional()
      .meta({ description: 'Bootstrap address; <clusterName>-kafka-bootstrap:9092 (the plain listener) when unset.' }),
  })
  .meta({ description: 'An existing Strimzi Kafka cluster; its Topic Operator manages this pipeline’s KafkaTopics.' });

const externalKafkaSchema = z
  .strictObject({
    bootstrapServers: z
      .array(hostPort.meta({ description: 'host:port of one broker.' }))
      .min(1)
      .max(16)
      .meta({ description: 'host:port of one or more brokers.' }),
  })
  .meta({ description: 'A Kafka cluster outside Strimzi; the operator creates the topics with the Kafka admin API.' });

type KafkaFields = {
  mode: KafkaMode;
  strimzi?: unknown;
  managed?: ManagedKafka;
  external?: unknown;
  topic: string;
  deadLetterTopic?: string;
  replicas: number;
};

/** `kafka.<block>` is required in its own mode and forbidden in the others. */
function modeBlockRules(block: 'strimzi' | 'external'): CrossFieldRule<KafkaFields>[] {
  return [
    {
      cel: `self.mode != '${block}' || has(self.${block})`,
      message: `kafka.${block} is required when kafka.mode is ${block}`,
      fieldPath: `.${block}`,
      reason: 'FieldValueRequired',
      holds: (kafka) => kafka.mode !== block || kafka[block] !== undefined,
    },
    {
      cel: `self.mode == '${block}' || !has(self.${block})`,
      message: `kafka.${block} is only allowed when kafka.mode is ${block}`,
      fieldPath: `.${block}`,
      reason: 'FieldValueForbidden',
      holds: (kafka) => kafka.mode === block || kafka[block] === undefined,
    },
  ];
}

const kafkaRules: CrossFieldRule<KafkaFields>[] = [
  ...modeBlockRules('strimzi'),
  ...modeBlockRules('external'),
  {
    cel: `self.mode == 'managed' || !has(self.managed)`,
    message: 'kafka.managed is only allowed when kafka.mode is managed',
    fieldPath: '.managed',
    reason: 'FieldValueForbidden',
    holds: (kafka) => kafka.mode === 'managed' || kafka.managed === undefined,
  },
  {
    cel: `!has(self.deadLetterTopic) || self.deadLetterTopic != self.topic`,
    message: 'kafka.deadLetterTopic must differ from kafka.topic',
    messageExpression: `'kafka.deadLetterTopic must differ from kafka.topic (both are "' + self.topic + '")'`,
    fieldPath: '.deadLetterTopic',
    holds: (kafka) => kafka.deadLetterTopic === undefined || kafka.deadLetterTopic !== kafka.topic,
  },
  {
    cel: `self.mode != 'managed' || self.replicas <= (has(self.managed) ? self.managed.replicas : ${DEFAULT_MANAGED_KAFKA.replicas})`,
    message: 'kafka.replicas must not exceed the managed cluster’s node count (kafka.managed.replicas)',
    // No messageExpression: the apiserver estimates string(int) as unbounded and refuses the cost.
    fieldPath: '.replicas',
    holds: (kafka) => kafka.mode !== 'managed' || kafka.replicas <= (kafka.managed ?? DEFAULT_MANAGED_KAFKA).replicas,
  },
];

export const kafkaSpecSchema = withCrossFieldRules(
  z.strictObject({
    mode: z.enum(KAFKA_MODES).default('managed').meta({
      description:
        'managed: create a Strimzi Kafka cluster for this pipeline; strimzi: use an existing Strimzi cluster; external: use brokers outside Strimzi.',
    }),
    managed: managedKafkaSchema.optional(),
    strimzi: strimziClusterSchema.optional(),
    external: externalKafkaSchema.optional(),
    topic: topicName.default(DEFAULT_TOPIC).meta({ description: 'The topic the producer writes recalls to.' }),
    deadLetterTopic: topicName
      .optional()
      .meta({ description: 'Where records that fail validation go; <topic>.dead-letter when unset.' }),
    partitions: z.int().min(1).max(1000).default(3).meta({ description: 'Partitions of both topics.' }),
    replicas: z.int().min(1).max(9).default(1).meta({ description: 'Replication factor of both topics.' }),
    retentionMs: z
      .int()
      .min(-1)
      .default(DEFAULT_RETENTION_MS)
      .meta({ description: 'How long the topics keep records, in milliseconds (-1: forever).' }),
  }),
  kafkaRules,
)
  .prefault({})
  .meta({ description: 'The Kafka cluster that carries the records, and the topics.' });

export type KafkaSpec = z.output<typeof kafkaSpecSchema>;
