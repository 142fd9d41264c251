import { describe, expect, it } from 'vitest';
import { buildPipelineObjects, buildRunJob } from '../charts/pipeline-chart.ts';
import { fullSample } from '../charts/samples/full.ts';
import { OWNED_KINDS } from './owned-kinds.ts';
import { collectionPath, kindKey, objectPath } from './runtime/kinds.ts';

describe('owned kinds', () => {
  it('covers every kind the charts emit, in every mode', () => {
    const modes = [
      fullSample,
      { metadata: { name: 'shared' }, spec: { kafka: { mode: 'strimzi', strimzi: { clusterName: 'platform' } } } },
      {
        metadata: { name: 'ext' },
        spec: {
          kafka: { mode: 'external', external: { bootstrapServers: ['kafka:9092'] } },
          postgres: { mode: 'external', external: { host: 'db', secretRef: { name: 'db' } } },
        },
      },
    ];
    const emitted = new Set(
      modes.flatMap((pipeline) =>
        [...buildPipelineObjects(pipeline), buildRunJob(pipeline, 'produce', 1)].map(kindKey),
      ),
    );
    expect([...emitted].filter((key) => !OWNED_KINDS.some((kind) => kindKey(kind) === key))).toEqual([]);
  });

  it('builds core and group paths, namespaced or across namespaces', () => {
    const [configMaps] = OWNED_KINDS;
    expect(collectionPath(configMaps!)).toBe('/api/v1/configmaps');
    expect(objectPath({ apiVersion: 'apps/v1', plural: 'deployments' }, 'ns', 'web', 'status')).toBe(
      '/apis/apps/v1/namespaces/ns/deployments/web/status',
    );
  });
});
