/**
 * The operator's way into the apiserver when it runs in a pod: the service account's token and CA
 * where Kubernetes mounts them, and the KUBERNETES_SERVICE_* variables. Played here with a real
 * ServiceAccount token from the TokenRequest API, against the real kube-apiserver.
 */
import { randomUUID } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClusterAccess } from '../../operator/runtime/cluster-access.ts';
import { KubeApi, KubeApiError } from '../../operator/runtime/kube-api.ts';
import { connectionFor } from '../infra/connection.ts';
import { mountServiceAccount, type MountedServiceAccount } from './mounted-service-account.ts';
import { loadConfig } from './operator-fixture.ts';

describe('cluster access from a pod’s service account (real apiserver, real token)', () => {
  const namespace = `access-${randomUUID().slice(0, 8)}`;
  let core: k8s.CoreV1Api;
  let pod: MountedServiceAccount;

  beforeAll(async () => {
    const { KUBECONFIG } = await connectionFor('kubernetes');
    const config = loadConfig(KUBECONFIG!);
    core = config.makeApiClient(k8s.CoreV1Api);
    const rbac = config.makeApiClient(k8s.RbacAuthorizationV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'operator' } } });
    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'configmap-reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'configmap-reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace }],
      },
    });
    pod = await mountServiceAccount(core, KUBECONFIG!, { namespace, name: 'operator', expirationSeconds: 600 });
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    pod?.dispose();
  });

  it('authenticates as the service account, with what RBAC grants it and nothing more', async () => {
    const api = new KubeApi(await pod.access());
    expect((await api.list(`/api/v1/namespaces/${namespace}/configmaps`)).items).toBeInstanceOf(Array);
    const denied = await api.list(`/api/v1/namespaces/${namespace}/secrets`).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(KubeApiError);
    expect((denied as KubeApiError).code).toBe(403);
    expect((denied as KubeApiError).message).toContain(`system:serviceaccount:${namespace}:operator`);
  });

  it('reads the token again on every request, as the kubelet rotates it', async () => {
    const api = new KubeApi(await pod.access());
    await pod.writeToken('not-a-token');
    const refused = await api.list(`/api/v1/namespaces/${namespace}/configmaps`).catch((error: unknown) => error);
    expect((refused as KubeApiError).code).toBe(401);
    await pod.writeToken();
    expect((await api.list(`/api/v1/namespaces/${namespace}/configmaps`)).items).toBeInstanceOf(Array);
  });

  it('prefers a kubeconfig, and says what is missing when there is no access at all', async () => {
    await expect(loadClusterAccess(undefined, { ...pod.sources, env: {} })).rejects.toThrow(
      'no Kubernetes access: set --kubeconfig or KUBECONFIG, create ~/.kube/config, or run in a pod',
    );
    const { KUBECONFIG } = await connectionFor('kubernetes');
    const fromFile = await loadClusterAccess(undefined, { ...pod.sources, env: { ...pod.sources.env, KUBECONFIG } });
    expect(await fromFile.authHeaders()).toEqual({});
  });
});
