import { ApiException, CoreV1Api, KubeConfig, type V1ConfigMap, type V1Namespace } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versions } from '../../contract/versions.ts';
import { connectionFor } from '../infra/connection.ts';
import { envContext } from '../infra/context.ts';
import { binDir } from '../infra/kubernetes-build.ts';
import type { KubeApi } from '../../operator/runtime/kube-api.ts';
import { adminApi } from '../admin-api.ts';
import { until } from '../until.ts';

const fieldManager = 'recall-smoke-test';

function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

describe('Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager built from source)', () => {
  let core: CoreV1Api;
  let api: KubeApi;
  const namespaces: string[] = [];

  /** A namespace unique to this run, created by server-side apply and deleted after the tests. */
  async function createNamespace(purpose: string): Promise<string> {
    const name = `smoke-${purpose}-${process.pid}-${Date.now().toString(36)}`;
    const namespace: V1Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    await api.apply(namespace);
    namespaces.push(name);
    return name;
  }

  beforeAll(async () => {
    const env = await connectionFor('kubernetes');
    if (!env.KUBECONFIG) throw new Error('the kubernetes component reported no KUBECONFIG');
    const config = new KubeConfig();
    config.loadFromFile(env.KUBECONFIG);
    core = config.makeApiClient(CoreV1Api);
    api = await adminApi(config, fieldManager);
  });

  afterAll(async () => {
    // The namespace controller deletes what is left inside; no need to wait for it.
    for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined);
  });

  it('runs binaries that report the pinned versions (set at build time with -ldflags)', () => {
    const version = (command: string, ...args: string[]): string =>
      execFileSync(path.join(binDir(envContext()), command), args, { encoding: 'utf8' });
    expect(version('kube-apiserver', '--version')).toContain(`Kubernetes v${versions.kubernetes}`);
    expect(version('kube-controller-manager', '--version')).toContain(`Kubernetes v${versions.kubernetes}`);
    expect(version('kubectl', 'version', '--client')).toContain(`Client Version: v${versions.kubernetes}`);
    expect(version('etcd', '--version')).toContain(`etcd Version: ${versions.etcd}`);
  });

  it('creates a ConfigMap by server-side apply and reads it back', async () => {
    const namespace = await createNamespace('apply');
    const desired: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'recall-settings', namespace },
      data: { source: 'rappelconso', batchSize: '500' },
    };
    await api.apply(desired);

    const back = await core.readNamespacedConfigMap({ name: 'recall-settings', namespace });
    expect(back.data).toEqual({ source: 'rappelconso', batchSize: '500' });
    expect(back.metadata?.managedFields?.map((entry) => [entry.manager, entry.operation])).toContainEqual([
      fieldManager,
      'Apply',
    ]);

    // Applying again without a field removes it: the manager owns exactly what it last applied.
    const withoutBatchSize: V1ConfigMap = { ...desired, data: { source: 'rappelconso' } };
    await api.apply(withoutBatchSize);
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

    // The controller-manager works asynchronously.
    await until(async () => {
      try {
        await core.readNamespacedConfigMap({ name: 'child', namespace });
        return false;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    }, 'the garbage collector to delete the child ConfigMap');
  });

  it('gives a new namespace its default ServiceAccount', async () => {
    const namespace = await createNamespace('sa');
    await until(
      async () =>
        (await core.readNamespacedServiceAccount({ name: 'default', namespace })).metadata?.name === 'default',
      'the serviceaccount controller to create "default"',
    );
  });
});
