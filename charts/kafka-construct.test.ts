import { describe, expect, it } from 'vitest';
import { TOPIC_OPERATOR_RESOURCES } from '../contract/pipeline-defaults.ts';
import { buildPipelineObjects, type KubernetesObject } from './pipeline-chart.ts';
import { fullSample } from './samples/full.ts';
import { minimalSample } from './samples/minimal.ts';
import type { KafkaNodePoolSpec, KafkaSpec } from './strimzi-resources.ts';

type SecurityContexts = Record<string, { securityContext: object }>;

function specOf<T>(objects: KubernetesObject[], kind: string): T {
  const found = objects.find((object) => object.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found.spec as T;
}

const restrictedPod = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const restrictedContainer = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

function expectRestricted(template: object, containers: string[]): void {
  const contexts = template as SecurityContexts;
  expect(contexts.pod?.securityContext).toMatchObject(restrictedPod);
  for (const container of containers) {
    expect(contexts[container]?.securityContext, container).toMatchObject(restrictedContainer);
  }
}

describe.each([
  ['minimal', minimalSample],
  ['full', fullSample],
])('the pods Strimzi runs for the managed Kafka of the %s sample', (_, sample) => {
  const objects = buildPipelineObjects(sample);

  it('run the Kafka nodes non-root, without capabilities or privilege escalation, under RuntimeDefault seccomp', () => {
    const { template } = specOf<KafkaNodePoolSpec>(objects, 'KafkaNodePool');
    expectRestricted(template, ['kafkaContainer', 'initContainer']);
    // The data volume stays writable by the group Strimzi's images run in.
    expect(template.pod.securityContext.fsGroup).toBe(0);
  });

  it('run the Topic Operator likewise, with requests and limits', () => {
    const { entityOperator } = specOf<KafkaSpec>(objects, 'Kafka');
    expectRestricted(entityOperator.template, ['topicOperatorContainer']);
    expect(entityOperator.topicOperator.resources).toEqual(TOPIC_OPERATOR_RESOURCES);
    // Only what the pipeline uses runs: no User Operator, no KafkaUsers.
    expect(entityOperator).not.toHaveProperty('userOperator');
  });
});
