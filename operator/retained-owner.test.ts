import { describe, expect, it } from 'vitest';
import { buildPipelineObjects, type KubernetesObject } from '../charts/pipeline-chart.ts';
import type { JsonObject } from './runtime/kube-api.ts';
import { ownershipChange } from './retained-owner.ts';

const uid = 'new-uid';

function passwordSecret(onDelete: 'Retain' | 'Delete'): KubernetesObject {
  const objects = buildPipelineObjects({
    metadata: { name: 'rp', namespace: 'ns', uid },
    spec: { postgres: { managed: { onDelete } } },
  });
  return objects.find((object) => object.kind === 'Secret' && object.metadata.name === 'rp-postgres')!;
}

function live(owners: Array<{ uid: string; controller?: boolean }>, pipeline = 'rp'): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'rp-postgres',
      namespace: 'ns',
      annotations: { 'rappelconso.io/pipeline': pipeline },
      ownerReferences: owners.map((owner) => ({ kind: 'RecallPipeline', name: 'rp', ...owner })),
    },
  };
}

describe('ownershipChange', () => {
  it('leaves a retained Secret unowned, whoever left it', () => {
    expect(ownershipChange(passwordSecret('Retain'), live([]), uid)).toBeUndefined();
  });

  it('releases a Secret this pipeline owns once its data is to be retained', () => {
    const change = ownershipChange(passwordSecret('Retain'), live([{ uid, controller: true }]), uid);
    expect(change).toEqual({
      change: 'released',
      patch: { metadata: { ownerReferences: [], labels: { 'rappelconso.io/retain-on-delete': 'true' } } },
    });
  });

  it('adopts a retained Secret once its data is to be deleted with the pipeline', () => {
    const change = ownershipChange(passwordSecret('Delete'), live([]), uid);
    expect(change?.change).toBe('adopted');
    expect(change?.patch.metadata.ownerReferences).toEqual([expect.objectContaining({ uid, controller: true })]);
    expect(change?.patch.metadata.labels).toEqual({ 'rappelconso.io/retain-on-delete': null });
  });

  it('changes nothing it already owns as wanted', () => {
    expect(ownershipChange(passwordSecret('Delete'), live([{ uid, controller: true }]), uid)).toBeUndefined();
  });

  it('leaves alone a Secret an earlier pipeline of the same name still controls, and one a user made', () => {
    expect(ownershipChange(passwordSecret('Delete'), live([{ uid: 'old', controller: true }]), uid)).toBeUndefined();
    expect(ownershipChange(passwordSecret('Retain'), live([{ uid: 'old', controller: true }]), uid)).toBeUndefined();
    expect(ownershipChange(passwordSecret('Delete'), live([], 'someone-else'), uid)).toBeUndefined();
  });
});
