/**
 * A RecallPipeline as the end-to-end tests and the cluster benchmark apply it: Kafka in external
 * mode on the broker they run in the namespace, its source the recall API serving a records file
 * there (Strimzi's operator and the internet cannot be reached from our machines).
 */
import { API_GROUP_VERSION, KIND } from '../../contract/recall-pipeline/group.ts';
import { KAFKA_IMAGE } from '../infra/cluster/product-images.ts';
import { kafkaBootstrapServers, kafkaBrokerObjects, KAFKA_BROKER_NAME } from './kafka-broker.ts';
import { apply, kubectl } from './kind-fixture.ts';
import { deployRecallApi, recallApiReady } from './recall-api.ts';

export interface PipelineSources {
  readonly source: { apiUrl: string };
  readonly kafka: { mode: 'external'; external: { bootstrapServers: string[] } };
}

/** Deploys the broker and the API serving `recordsFile`, and waits until both serve. */
export async function deployPipelineSources(namespace: string, recordsFile: string): Promise<PipelineSources> {
  const apiUrl = await deployRecallApi(namespace, recordsFile);
  await apply(kafkaBrokerObjects(namespace, KAFKA_IMAGE));
  await kubectl('rollout', 'status', `statefulset/${KAFKA_BROKER_NAME}`, '-n', namespace, '--timeout=300s');
  await recallApiReady(namespace);
  return {
    source: { apiUrl },
    kafka: { mode: 'external', external: { bootstrapServers: [kafkaBootstrapServers(namespace)] } },
  };
}

/** The RecallPipeline `name` reading from `sources`, with the rest of its spec. */
export function externalModePipeline(
  namespace: string,
  name: string,
  sources: PipelineSources,
  spec: Record<string, unknown> = {},
): object {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: KIND,
    metadata: { name, namespace },
    spec: { source: sources.source, kafka: sources.kafka, ...spec },
  };
}
