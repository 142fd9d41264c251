/**
 * The RecallPipeline API and the charts against the real control plane: the CRD installs and is
 * Established, the apiserver accepts both samples and defaults them exactly as zod does, rejects
 * each invalid spec with a clear message, and accepts every synthesized object (Strimzi's
 * KafkaTopic, Kafka and KafkaNodePool against their real CRDs) in a server-side dry-run apply with
 * strict field validation, so an unknown or misspelt field fails too.
 */
import { ApiException, ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recallPipelineCrd } from '../../contract/recall-pipeline/crd.ts';
import { API_GROUP, API_VERSION, CRD_NAME, PLURAL } from '../../contract/recall-pipeline/group.ts';
import { invalidSpecCases } from '../invalid-specs.ts';
import { parseRecallPipeline, type RecallPipelineInput } from '../../contract/recall-pipeline/recall-pipeline.ts';
import { buildOperatorInstallObjects } from '../../charts/operator-install.ts';
import { buildPipelineObjects, type KubernetesObject } from '../../charts/pipeline-chart.ts';
import { samples } from '../../charts/samples/index.ts';
import { connectionFor } from '../infra/connection.ts';
import { until } from '../until.ts';
import { adminApi } from '../admin-api.ts';
import type { KubeApi, ObjectAddress } from '../../operator/runtime/kube-api.ts';

const fieldManager = 'recall-charts-test';

/** The apiserver's Status message of a failed call (client-node hands it over as JSON text). */
function statusOf(error: unknown): { code: number; message: string } {
  if (!(error instanceof ApiException)) throw error;
  const body = (typeof error.body === 'string' ? JSON.parse(error.body) : error.body) as { message?: string };
  return { code: error.code, message: body.message ?? '' };
}

async function rejection(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (error) {
    return statusOf(error);
  }
  throw new Error('the apiserver accepted it');
}

describe('RecallPipeline API and charts against the real control plane', () => {
  let config: KubeConfig;
  let api: KubeApi;
  const apply = (object: ObjectAddress, options?: { dryRun?: boolean }) => api.apply(object, options);
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  const namespace = `rp-charts-${process.pid}-${Date.now().toString(36)}`;

  function inNamespace(sample: RecallPipelineInput): RecallPipelineInput {
    return { ...sample, metadata: { ...sample.metadata, namespace } };
  }

  beforeAll(async () => {
    const env = await connectionFor('kubernetes');
    await connectionFor('strimzi');
    config = new KubeConfig();
    config.loadFromFile(env.KUBECONFIG ?? '');
    api = await adminApi(config, fieldManager);
    custom = config.makeApiClient(CustomObjectsApi);
    core = config.makeApiClient(CoreV1Api);

    // Idempotent: others may apply the same CRD; forcing takes over its fields without a conflict.
    await apply(recallPipelineCrd());
    await apply(recallPipelineCrd());
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('installs the CRD by server-side apply and it becomes Established', async () => {
    const api = config.makeApiClient(ApiextensionsV1Api);
    const crd = await until(
      async () => {
        const live = await api.readCustomResourceDefinition({ name: CRD_NAME });
        const established = live.status?.conditions?.find((condition) => condition.type === 'Established');
        if (established?.status !== 'True') throw new Error(`conditions: ${JSON.stringify(live.status?.conditions)}`);
        return live;
      },
      'the CRD to be Established',
      30_000,
    );
    expect(crd.spec.versions.map((version) => version.name)).toEqual([API_VERSION]);
    expect(crd.spec.names.shortNames).toEqual(['rp']);
  });

  it.each(Object.keys(samples))('accepts the %s sample and defaults it exactly as zod does', async (stem) => {
    const sample = inNamespace(samples[stem]!);
    const created = (await custom.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: PLURAL,
      body: sample,
      fieldValidation: 'Strict',
    })) as { spec: unknown };
    expect(created.spec).toEqual(JSON.parse(JSON.stringify(parseRecallPipeline(sample).spec)));
  });

  /** A strict, dry-run create of a RecallPipeline: the apiserver validates it and stores nothing. */
  function dryRunCreate(name: string, spec: unknown) {
    return custom.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: PLURAL,
      dryRun: 'All',
      fieldValidation: 'Strict',
      body: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'RecallPipeline', metadata: { name }, spec },
    });
  }

  /** Server-side dry-run applies each object, naming the first one the apiserver refuses. */
  async function dryRunApplyAll(objects: readonly KubernetesObject[]): Promise<void> {
    for (const object of objects) {
      try {
        await apply(object, { dryRun: true });
      } catch (error) {
        throw new Error(`${object.kind}/${object.metadata.name}: ${statusOf(error).message}`, { cause: error });
      }
    }
  }

  it.each(invalidSpecCases)('rejects $title with a message naming $field', async (testCase) => {
    const { code, message } = await rejection(dryRunCreate('invalid', testCase.spec));
    expect(code).toBe(422);
    expect(message).toContain(testCase.field);
    expect(message).toContain(testCase.apiserverSays);
  });

  it('rejects an unknown field under strict field validation, naming it', async () => {
    const { code, message } = await rejection(dryRunCreate('typo', { kafak: {} }));
    // Strict field validation answers 400 BadRequest, not 422.
    expect(code).toBe(400);
    expect(message).toContain('unknown field "spec.kafak"');
  });

  it.each(Object.keys(samples))(
    'accepts every object synthesized for the %s sample in a server-side dry-run apply',
    async (stem) => {
      const rendered = buildPipelineObjects(inNamespace(samples[stem]!));
      expect(rendered.length).toBeGreaterThan(10);
      await dryRunApplyAll(rendered);
    },
  );

  // Valid pipeline names that are not DNS-1035 labels, which Service names must be.
  it.each(['2024-recalls', '2024.recalls'])(
    'accepts every object synthesized for a pipeline named %s in a server-side dry-run apply',
    async (name) => {
      const pipeline = inNamespace(samples.full!);
      await dryRunCreate(name, pipeline.spec);
      const rendered = buildPipelineObjects({ ...pipeline, metadata: { ...pipeline.metadata, name } });
      expect(rendered.filter((object) => object.kind === 'Service').length).toBeGreaterThanOrEqual(4);
      await dryRunApplyAll(rendered);
    },
  );

  it('accepts every object of the operator install in a server-side dry-run apply', async () => {
    await dryRunApplyAll(buildOperatorInstallObjects({ namespace }));
  });
});
