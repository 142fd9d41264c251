/**
 * The operator watching a list of namespaces, as the Helm chart's `watchNamespaces` installs it:
 * its ServiceAccount holds the operator ClusterRole through RoleBindings in those namespaces alone
 * (and leader election in its own), so a single request outside them, a cluster-wide list or
 * watch above all, is a 403. Authenticated with a real ServiceAccount token against the real
 * apiserver, it reconciles a pipeline in each watched namespace and never sees the one beside them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOperatorInstallObjects, OPERATOR_NAME } from '../../charts/operator-install.ts';
import { PIPELINE_SERIES } from '../../charts/monitoring/pipeline-series.ts';
import { buildPipelineObjects, type KubernetesObject } from '../../charts/pipeline-chart.ts';
import { minimalSample } from '../../charts/samples/minimal.ts';
import { loadClusterAccess } from '../../operator/runtime/cluster-access.ts';
import { KubeApi, KubeApiError, type ObjectAddress } from '../../operator/runtime/kube-api.ts';
import type { RunningOperator } from '../../operator/operator.ts';
import { PIPELINE_KIND } from '../../operator/owned-kinds.ts';
import { collectionPath } from '../../operator/runtime/kinds.ts';
import { connectionFor } from '../infra/connection.ts';
import { mountServiceAccount, type MountedServiceAccount } from './mounted-service-account.ts';
import { existsIn, installCrd, loadConfig, PipelineClient, startOperatorAs, until } from './operator-fixture.ts';
import { adminApi } from '../admin-api.ts';

describe('operator watching namespaces a and b, with RoleBindings there alone (real apiserver, ServiceAccount token)', () => {
  const prefix = `op-ns-${randomUUID().slice(0, 8)}`;
  const [a, b, c, system] = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`, `${prefix}-system`];
  const name = 'rp';
  /** Every warning and error the operator logs: a refused request shows up here even when it is retried. */
  let problems: string[] = [];
  const clients = new Map<string, PipelineClient>();
  const desired = new Map<string, KubernetesObject[]>();
  let admin: KubeApi;
  let operatorApi: KubeApi;
  let pod: MountedServiceAccount;
  let operator: RunningOperator;

  const client = (namespace: string) => clients.get(namespace)!;

  const exists = (namespace: string, object: KubernetesObject) => existsIn(admin, namespace, object);

  /** The namespaces of the pipelines the operator exports series for: those it has reconciled. */
  async function exportedNamespaces(): Promise<string[]> {
    const metrics = await operator.metrics.registry.getMetricsAsJSON();
    const ready = metrics.find((metric) => metric.name === PIPELINE_SERIES.ready.name);
    return [...new Set(ready?.values.map((value) => String(value.labels.namespace)))].sort();
  }

  beforeAll(async () => {
    const { KUBECONFIG } = await connectionFor('kubernetes');
    await connectionFor('strimzi');
    const config = loadConfig(KUBECONFIG!);
    await installCrd(config);
    admin = new KubeApi(await loadClusterAccess(KUBECONFIG));
    for (const namespace of [a, b, c, system]) {
      clients.set(namespace, new PipelineClient(config, namespace));
      await client(namespace).createNamespace();
    }

    // The install's ServiceAccount, ClusterRoles and leader election, but not its ClusterRoleBinding:
    // the operator ClusterRole is bound in a and b only.
    const writer = await adminApi(config, 'recall-operator-namespaces-test');
    const apply = (object: ObjectAddress) => writer.apply(object);
    const install = buildOperatorInstallObjects({ namespace: system });
    for (const object of install) {
      if (['ServiceAccount', 'ClusterRole', 'Role', 'RoleBinding'].includes(object.kind)) await apply(object);
    }
    const serviceAccount = install.find((object) => object.kind === 'ServiceAccount')!.metadata.name;
    for (const namespace of [a, b]) {
      await apply({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: OPERATOR_NAME, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_NAME },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace: system }],
      } as KubernetesObject);
    }

    // Before the operator starts: had it listed pipelines across the cluster, its first sync would
    // have queued c's with the others.
    for (const namespace of [a, b, c]) {
      const { uid } = (await client(namespace).create(name, minimalSample.spec)).metadata;
      desired.set(namespace, buildPipelineObjects({ ...minimalSample, metadata: { name, namespace, uid } }));
    }

    pod = await mountServiceAccount(client(system).core, KUBECONFIG!, {
      namespace: system,
      name: serviceAccount,
      expirationSeconds: 3600,
    });
    const access = await pod.access();
    operatorApi = new KubeApi(access);
    ({ operator, problems } = await startOperatorAs(access, { namespaces: [a, b], leaseNamespace: system }));
  });

  afterAll(async () => {
    await operator?.stop();
    for (const namespaceClient of clients.values()) await namespaceClient.deleteNamespace();
    pod?.dispose();
  });

  it('runs as a ServiceAccount that may list pipelines in a and b, not in c nor across the cluster', async () => {
    for (const namespace of [a, b]) {
      await expect(operatorApi.list(collectionPath(PIPELINE_KIND, namespace))).resolves.toHaveProperty('items');
    }
    for (const path of [collectionPath(PIPELINE_KIND, c), collectionPath(PIPELINE_KIND)]) {
      const refused = await operatorApi.list(path).catch((error: unknown) => error);
      expect(refused, path).toBeInstanceOf(KubeApiError);
      expect((refused as KubeApiError).code, path).toBe(403);
    }
  });

  it('reconciles the pipelines of a and b: their children are applied and their status written', async () => {
    for (const namespace of [a, b]) {
      for (const object of desired.get(namespace)!) {
        await until(() => exists(namespace, object), `${namespace}: ${object.kind}/${object.metadata.name}`);
      }
      const reconciled = await until(async () => {
        const pipeline = await client(namespace).get(name);
        return pipeline.status?.observedGeneration === 1 ? pipeline : undefined;
      }, `${namespace}: the status of ${name}`);
      expect(reconciled.status?.conditions?.find((condition) => condition.type === 'Ready')?.reason).not.toBe(
        'ApplyFailed',
      );
    }
  });

  it('leaves the pipeline of c untouched, even when it reconciles every pipeline it knows', async () => {
    // Queues every cached pipeline and waits until each is reconciled: c's would be among them.
    operator.resync();
    await operator.idle();
    expect(await exportedNamespaces()).toEqual([a, b].sort());
    expect((await client(c).get(name)).status).toBeUndefined();
    for (const object of desired.get(c)!) {
      expect(await exists(c, object), `${object.kind}/${object.metadata.name}`).toBe(false);
    }
    const events = await client(c).core.listNamespacedEvent({ namespace: c });
    expect(events.items).toEqual([]);
  });

  it('was refused nothing along the way', () => {
    expect(problems.filter((line) => /403|forbidden/i.test(line))).toEqual([]);
  });
});
