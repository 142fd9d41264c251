import { describe, expect, it } from 'vitest';
import type { RecallPipelineInput } from '../contract/recall-pipeline/recall-pipeline.ts';
import { keysToGenerate } from './generated-secret.ts';
import { RETAIN_LABEL } from './labels.ts';
import { buildPipelineObjects, type KubernetesObject } from './pipeline-chart.ts';

const owner = {
  apiVersion: 'rappelconso.io/v1alpha1',
  kind: 'RecallPipeline',
  name: 'keep',
  uid: '1234',
  controller: true,
  blockOwnerDeletion: true,
};

function build(spec: RecallPipelineInput['spec']): KubernetesObject[] {
  return buildPipelineObjects({
    metadata: { name: 'keep', namespace: 'recall', uid: '1234' },
    spec: { ...spec, tools: { pgAdmin: { enabled: true } } },
  });
}

function find(objects: KubernetesObject[], kind: string, name: string): KubernetesObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
}

const retentionPolicy = (objects: KubernetesObject[]) =>
  (find(objects, 'StatefulSet', 'keep-postgres').spec as { persistentVolumeClaimRetentionPolicy?: unknown })
    .persistentVolumeClaimRetentionPolicy;

describe('postgres.managed.onDelete', () => {
  it('retains by default: the volume claims, and the Secrets that unlock the database, unowned and labelled', () => {
    const objects = build({});
    expect(retentionPolicy(objects)).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    for (const name of ['keep-postgres', 'keep-airflow', 'keep-airflow-login']) {
      const secret = find(objects, 'Secret', name);
      expect(keysToGenerate(secret)).toBeDefined();
      expect(secret.metadata.ownerReferences, name).toBeUndefined();
      expect(secret.metadata.labels).toMatchObject({
        [RETAIN_LABEL]: 'true',
        'app.kubernetes.io/instance': 'keep',
        'app.kubernetes.io/managed-by': 'recall-pipeline-operator',
      });
      expect(secret.metadata.annotations?.['rappelconso.io/pipeline']).toBe('keep');
    }
    // pgAdmin's login guards nothing that lasts; everything else goes with the pipeline.
    const owned = objects.filter((object) => object.metadata.labels?.[RETAIN_LABEL] === undefined);
    expect(owned.map((object) => object.metadata.name)).toContain('keep-pgadmin');
    for (const object of owned) expect(object.metadata.ownerReferences, object.metadata.name).toEqual([owner]);
  });

  it('deletes with the pipeline: the volume claims with the StatefulSet, every Secret owned', () => {
    const objects = build({ postgres: { managed: { onDelete: 'Delete' } } });
    expect(retentionPolicy(objects)).toEqual({ whenDeleted: 'Delete', whenScaled: 'Retain' });
    for (const object of objects) {
      expect(object.metadata.labels?.[RETAIN_LABEL], object.metadata.name).toBeUndefined();
      expect(object.metadata.ownerReferences, object.metadata.name).toEqual([owner]);
    }
  });

  it('retains Airflow’s keys and login when its metadata database is on an external server, never ours to delete', () => {
    const objects = build({
      postgres: { mode: 'external', external: { host: 'db.example', secretRef: { name: 'db' } } },
    });
    for (const name of ['keep-airflow', 'keep-airflow-login']) {
      const secret = find(objects, 'Secret', name);
      expect(secret.metadata.labels?.[RETAIN_LABEL], name).toBe('true');
      expect(secret.metadata.ownerReferences, name).toBeUndefined();
    }
  });

  it('refuses a policy Kubernetes does not know', () => {
    expect(() => build({ postgres: { managed: { onDelete: 'Keep' as 'Retain' } } })).toThrow(/onDelete/);
  });
});
