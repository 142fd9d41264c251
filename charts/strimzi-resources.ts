/**
 * The few Strimzi `kafka.strimzi.io/v1` shapes we write, typed by hand from the CRDs of the Strimzi
 * release in contract/versions.ts (rather than vendoring generated bindings for three objects).
 */
import { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';

export const STRIMZI_API_VERSION = 'kafka.strimzi.io/v1';
export const STRIMZI_CLUSTER_LABEL = 'strimzi.io/cluster';

interface StrimziResources {
  requests: Record<string, string>;
  limits: Record<string, string>;
}

/** Strimzi's pod and container templates take Kubernetes' own security context fields. */
interface PodTemplate {
  securityContext: k8s.PodSecurityContext;
}

interface ContainerTemplate {
  securityContext: k8s.SecurityContext;
}

interface Metadata {
  name: string;
  labels: Record<string, string>;
}

export interface KafkaTopicSpec {
  topicName: string;
  partitions: number;
  replicas: number;
  config: Record<string, string>;
}

export interface KafkaSpec {
  kafka: {
    version: string;
    listeners: Array<{
      name: string;
      port: number;
      type: 'internal';
      tls: boolean;
      networkPolicyPeers?: Array<{ podSelector: { matchLabels: Record<string, string> } }>;
    }>;
    config: Record<string, number | string>;
  };
  entityOperator: {
    topicOperator: { resources: StrimziResources };
    template: { pod: PodTemplate; topicOperatorContainer: ContainerTemplate };
  };
}

export interface KafkaNodePoolSpec {
  replicas: number;
  roles: Array<'controller' | 'broker'>;
  storage: {
    type: 'jbod';
    volumes: Array<{
      id: number;
      type: 'persistent-claim';
      size: string;
      class?: string;
      deleteClaim: boolean;
      kraftMetadata: 'shared';
    }>;
  };
  resources: StrimziResources;
  template: { pod: PodTemplate; kafkaContainer: ContainerTemplate; initContainer: ContainerTemplate };
}

function strimziObject(scope: Construct, id: string, kind: string, metadata: Metadata, spec: object): ApiObject {
  return new ApiObject(scope, id, { apiVersion: STRIMZI_API_VERSION, kind, metadata, spec });
}

export function kafkaTopic(scope: Construct, id: string, metadata: Metadata, spec: KafkaTopicSpec): ApiObject {
  return strimziObject(scope, id, 'KafkaTopic', metadata, spec);
}

export function kafka(scope: Construct, id: string, metadata: Metadata, spec: KafkaSpec): ApiObject {
  return strimziObject(scope, id, 'Kafka', metadata, spec);
}

export function kafkaNodePool(scope: Construct, id: string, metadata: Metadata, spec: KafkaNodePoolSpec): ApiObject {
  return strimziObject(scope, id, 'KafkaNodePool', metadata, spec);
}
