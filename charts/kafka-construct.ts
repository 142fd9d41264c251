/**
 * Kafka for one pipeline: its two KafkaTopics for Strimzi's Topic Operator and, in managed mode, a
 * KRaft cluster (Kafka + one KafkaNodePool of combined controller/broker nodes). External clusters
 * get nothing here: the operator creates their topics through the admin API (charts/topics.ts).
 */
import { Construct } from 'constructs';
import { STRIMZI_IMAGE_USER, TOPIC_OPERATOR_RESOURCES } from '../contract/pipeline-defaults.ts';
import { versions } from '../contract/versions.ts';
import type { Resources } from '../contract/recall-pipeline/resources-schema.ts';
import type { ManagedKafka } from '../contract/recall-pipeline/kafka-spec.ts';
import type { Labels } from './labels.ts';
import { KAFKA_PLAIN_PORT } from './pipeline-context.ts';
import { containerSecurityContext, podSecurityContext } from './security.ts';
import { STRIMZI_CLUSTER_LABEL, kafka, kafkaNodePool, kafkaTopic } from './strimzi-resources.ts';
import type { TopicDefinition } from './topics.ts';

/**
 * The security defaults of our own pods, for the pods Strimzi runs for a managed cluster: Strimzi
 * applies no such context of its own unless its operator is configured to.
 */
const strimziPod = { securityContext: podSecurityContext(STRIMZI_IMAGE_USER) };
// Strimzi mounts a volume on /tmp, the only place its containers write besides the data volume.
const strimziContainer = { securityContext: containerSecurityContext({ readOnlyRootFilesystem: true }) };

function strimziResources(resources: Resources) {
  return { requests: { ...resources.requests }, limits: { ...resources.limits } };
}

export interface KafkaProps {
  /** The pipeline's labels. */
  readonly labels: Labels;
  /** The Strimzi cluster that serves the topics: the pipeline's own, or one it shares. */
  readonly cluster: string;
  /** The pipeline's two topics, each with the name of its KafkaTopic object. */
  readonly topics: readonly (TopicDefinition & { readonly objectName: string })[];
  /** A KRaft cluster of the pipeline's own; none when it uses a Strimzi cluster it shares. */
  readonly managed?: {
    readonly nodePool: string;
    readonly settings: ManagedKafka;
    /** Selects the only pods its listener lets in: the pipeline's. */
    readonly clients: Labels;
  };
}

export class KafkaConstruct extends Construct {
  constructor(scope: Construct, id: string, props: KafkaProps) {
    super(scope, id);
    const { cluster } = props;
    for (const topic of props.topics) {
      kafkaTopic(
        this,
        `topic-${topic.role}`,
        {
          name: topic.objectName,
          labels: { ...props.labels, 'app.kubernetes.io/component': 'kafka', [STRIMZI_CLUSTER_LABEL]: cluster },
        },
        { topicName: topic.name, partitions: topic.partitions, replicas: topic.replicas, config: { ...topic.config } },
      );
    }
    if (props.managed) this.managedCluster(props.labels, cluster, props.managed);
  }

  private managedCluster(pipelineLabels: Labels, cluster: string, managed: NonNullable<KafkaProps['managed']>): void {
    const { settings, nodePool } = managed;
    const labels = { ...pipelineLabels, 'app.kubernetes.io/component': 'kafka' };
    // Internal topics cannot have more replicas than there are brokers.
    const replication = Math.min(3, settings.replicas);
    kafka(
      this,
      'cluster',
      { name: cluster, labels },
      {
        kafka: {
          version: versions.kafka,
          listeners: [
            {
              name: 'plain',
              port: KAFKA_PLAIN_PORT,
              type: 'internal',
              tls: false,
              // Strimzi writes the listener's NetworkPolicy; only this pipeline's pods may connect.
              networkPolicyPeers: [{ podSelector: { matchLabels: managed.clients } }],
            },
          ],
          config: {
            'offsets.topic.replication.factor': replication,
            'transaction.state.log.replication.factor': replication,
            'transaction.state.log.min.isr': Math.min(2, replication),
            'default.replication.factor': replication,
            'min.insync.replicas': Math.min(2, replication),
          },
        },
        entityOperator: {
          topicOperator: { resources: strimziResources(TOPIC_OPERATOR_RESOURCES) },
          template: { pod: strimziPod, topicOperatorContainer: strimziContainer },
        },
      },
    );
    kafkaNodePool(
      this,
      'node-pool',
      { name: nodePool, labels: { ...labels, [STRIMZI_CLUSTER_LABEL]: cluster } },
      {
        replicas: settings.replicas,
        roles: ['controller', 'broker'],
        storage: {
          type: 'jbod',
          volumes: [
            {
              id: 0,
              type: 'persistent-claim',
              size: settings.storage.size,
              ...(settings.storage.storageClassName !== undefined && { class: settings.storage.storageClassName }),
              deleteClaim: false,
              kraftMetadata: 'shared',
            },
          ],
        },
        resources: strimziResources(settings.resources),
        template: { pod: strimziPod, kafkaContainer: strimziContainer, initContainer: strimziContainer },
      },
    );
  }
}
