import { describe, expect, it } from 'vitest';
import { parseRecallPipeline } from '../contract/recall-pipeline/recall-pipeline.ts';
import { buildPipelineObjects, type KubernetesObject } from '../charts/pipeline-chart.ts';
import { pipelineContext } from '../charts/pipeline-context.ts';
import { minimalSample } from '../charts/samples/minimal.ts';
import type { JsonObject } from './runtime/kube-api.ts';
import { airflowCondition, databaseCondition, kafkaCondition, readyCondition } from './observe-children.ts';

const ctx = pipelineContext(parseRecallPipeline(minimalSample));
const desired = buildPipelineObjects(minimalSample);

function lookup(status: Record<string, unknown>, generation = 1): (object: KubernetesObject) => JsonObject {
  return (object) => ({ ...object, metadata: { ...object.metadata, generation }, status: status[object.kind] ?? {} });
}

describe('observed conditions', () => {
  it('are not ready while children have no status', () => {
    const live = lookup({});
    expect(kafkaCondition(ctx, desired, live, undefined)).toMatchObject({ status: 'False', reason: 'TopicsNotReady' });
    expect(databaseCondition(ctx, desired, live)).toMatchObject({
      status: 'False',
      message: 'StatefulSet rappel-conso-postgres: 0/1 ready',
    });
    expect(airflowCondition(ctx, desired, live).status).toBe('False');
  });

  it('are ready from Ready topics, ready replicas and available replicas of the current generation', () => {
    const live = lookup({
      KafkaTopic: { conditions: [{ type: 'Ready', status: 'True' }] },
      StatefulSet: { readyReplicas: 1 },
      Deployment: { availableReplicas: 1, observedGeneration: 1 },
    });
    const parts = [
      kafkaCondition(ctx, desired, live, undefined),
      databaseCondition(ctx, desired, live),
      airflowCondition(ctx, desired, live),
    ];
    expect(parts.map((part) => part.status)).toEqual(['True', 'True', 'True']);
    expect(readyCondition(parts)).toMatchObject({ status: 'True', reason: 'Ready' });
  });

  it('does not trust a Deployment whose controller has not seen its latest generation', () => {
    const live = lookup({ Deployment: { availableReplicas: 1, observedGeneration: 1 } }, 2);
    expect(airflowCondition(ctx, desired, live).status).toBe('False');
  });

  it('names the first part that is not ready in Ready', () => {
    const ready = readyCondition([
      { type: 'KafkaReady', status: 'True', reason: 'TopicsReady', message: 'ok' },
      { type: 'DatabaseReady', status: 'False', reason: 'StatefulSetNotReady', message: '0/1 ready' },
    ]);
    expect(ready).toMatchObject({ status: 'False', reason: 'DatabaseNotReady', message: 'DatabaseReady: 0/1 ready' });
  });
});
