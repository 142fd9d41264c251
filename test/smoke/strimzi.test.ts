import { ApiException, ApiextensionsV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionFor } from '../infra/connection.ts';
import { strimziApiVersion } from '../infra/strimzi.ts';

const group = 'kafka.strimzi.io';
const namespace = 'default';

function kafkaTopic(name: string, partitions: unknown): object {
  return {
    apiVersion: `${group}/${strimziApiVersion}`,
    kind: 'KafkaTopic',
    metadata: { name, namespace, labels: { 'strimzi.io/cluster': 'recall' } },
    spec: { partitions, replicas: 1, config: { 'retention.ms': 604_800_000 } },
  };
}

/** The error an API call rejects with, or undefined when it succeeds. */
async function rejection(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("Strimzi's CRDs (generated from io.strimzi:api, in the real control plane)", () => {
  let config: KubeConfig;

  beforeAll(async () => {
    const env = await connectionFor('kubernetes');
    await connectionFor('strimzi');
    config = new KubeConfig();
    config.loadFromFile(env.KUBECONFIG ?? '');
  });

  it.each(['kafkas', 'kafkanodepools', 'kafkatopics'])(
    `serves %s.${group} at ${strimziApiVersion}, established`,
    async (plural) => {
      const crd = await config
        .makeApiClient(ApiextensionsV1Api)
        .readCustomResourceDefinition({ name: `${plural}.${group}` });
      const version = crd.spec.versions.find((candidate) => candidate.name === strimziApiVersion);
      expect(version?.served).toBe(true);
      expect(version?.storage).toBe(true);
      const established = crd.status?.conditions?.find((condition) => condition.type === 'Established');
      expect(established?.status).toBe('True');
    },
  );

  it('accepts a valid KafkaTopic, reads it back and deletes it', async () => {
    const api = config.makeApiClient(CustomObjectsApi);
    const name = `smoke-${process.pid}-${Date.now()}`;
    const key = { group, version: strimziApiVersion, namespace, plural: 'kafkatopics', name };
    await api.createNamespacedCustomObject({ ...key, body: kafkaTopic(name, 3) });
    try {
      const stored = (await api.getNamespacedCustomObject(key)) as {
        metadata: { labels?: Record<string, string> };
        spec: { partitions: number; replicas: number };
      };
      expect(stored.spec.partitions).toBe(3);
      expect(stored.spec.replicas).toBe(1);
      expect(stored.metadata.labels?.['strimzi.io/cluster']).toBe('recall');
    } finally {
      await api.deleteNamespacedCustomObject(key);
    }
    const gone = await rejection(api.getNamespacedCustomObject(key));
    expect(gone).toBeInstanceOf(ApiException);
    expect((gone as ApiException<unknown>).code).toBe(404);
  });

  it('rejects a KafkaTopic whose spec.partitions is not an integer (422)', async () => {
    const api = config.makeApiClient(CustomObjectsApi);
    const name = `smoke-invalid-${process.pid}-${Date.now()}`;
    const error = await rejection(
      api.createNamespacedCustomObject({
        group,
        version: strimziApiVersion,
        namespace,
        plural: 'kafkatopics',
        body: kafkaTopic(name, 'three'),
      }),
    );
    expect(error).toBeInstanceOf(ApiException);
    const apiError = error as ApiException<unknown>;
    expect(apiError.code).toBe(422);
    // client-node hands the apiserver's Status over as the raw JSON text for codes it has no model for.
    const status = (typeof apiError.body === 'string' ? JSON.parse(apiError.body) : apiError.body) as {
      reason?: string;
      message?: string;
      details?: { causes?: Array<{ field?: string }> };
    };
    expect(status.reason).toBe('Invalid');
    expect(status.message).toContain('spec.partitions');
    expect(status.details?.causes?.map((cause) => cause.field)).toContain('spec.partitions');
  });
});
