import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionFor } from '../infra/connection.ts';

const fieldManager = 'recall-smoke-test';

function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/** Polls until `condition` holds; the controller-manager works asynchronously. */
async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

describe('Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager built from source)', () => {
  let core: CoreV1Api;
  let objects: KubernetesObjectApi;
  const namespaces: string[] = [];

  /** A namespace unique to this run, deleted after the tests. */
  async function createNamespace(purpose: string): Promise<string> {
    const name = `smoke-${purpose}-${process.pid}-${Date.now().toString(36)}`;
    await core.createNamespace({ body: { metadata: { name } } });
    namespaces.push(name);
    return name;
  }

  beforeAll(async () => {
    const env = await connectionFor('kubernetes');
    if (!env.KUBECONFIG) throw new Error('the kubernetes component reported no KUBECONFIG');
    const config = new KubeConfig();
    config.loadFromFile(env.KUBECONFIG);
    core = config.makeApiClient(CoreV1Api);
    objects = KubernetesObjectApi.makeApiClient(config);
  });

  afterAll(async () => {
    // The namespace controller deletes what is left inside; no need to wait for it.
    for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined);
  });

  it('creates a ConfigMap by server-side apply and reads it back', async () => {
    const namespace = await createNamespace('apply');
    const desired: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'recall-settings', namespace },
      data: { source: 'rappelconso', batchSize: '500' },
    };
    await objects.patch(desired, undefined, undefined, fieldManager, undefined, PatchStrategy.ServerSideApply);

    const back = await core.readNamespacedConfigMap({ name: 'recall-settings', namespace });
    expect(back.data).toEqual({ source: 'rappelconso', batchSize: '500' });
    expect(back.metadata?.managedFields?.map((entry) => [entry.manager, entry.operation])).toContainEqual([
      fieldManager,
      'Apply',
    ]);

    // Applying again without a field removes it: the manager owns exactly what it last applied.
    await objects.patch(
      { ...desired, data: { source: 'rappelconso' } },
      undefined,
      undefined,
      fieldManager,
      undefined,
      PatchStrategy.ServerSideApply,
    );
    const reapplied = await core.readNamespacedConfigMap({ name: 'recall-settings', namespace });
    expect(reapplied.data).toEqual({ source: 'rappelconso' });
  });

  it('garbage-collects a dependent once its owner is deleted', async () => {
    const namespace = await createNamespace('gc');
    const owner = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'owner' }, data: { role: 'owner' } },
    });
    const uid = owner.metadata?.uid;
    expect(uid).toBeTruthy();
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'child',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: uid ?? '', blockOwnerDeletion: true },
          ],
        },
        data: { role: 'child' },
      },
    });

    await core.deleteNamespacedConfigMap({ name: 'owner', namespace, propagationPolicy: 'Background' });

    await eventually('the garbage collector to delete the child ConfigMap', async () => {
      try {
        await core.readNamespacedConfigMap({ name: 'child', namespace });
        return false;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    });
  });

  it('gives a new namespace its default ServiceAccount', async () => {
    const namespace = await createNamespace('sa');
    await eventually('the serviceaccount controller to create "default"', async () => {
      try {
        const account = await core.readNamespacedServiceAccount({ name: 'default', namespace });
        return account.metadata?.name === 'default';
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    });
  });
});
