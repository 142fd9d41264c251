/**
 * The operator under the RBAC its install grants, and nothing more: authenticated with a real
 * ServiceAccount token (TokenRequest API) of an account bound to the install's own ClusterRole and
 * leader-election Role, it reconciles a pipeline with Airflow against the real apiserver. Every
 * other operator test runs as cluster admin, which would hide a missing verb; here a missing one
 * is a 403, and the apiserver's RBAC escalation check decides whether the operator may create the
 * Airflow RoleBinding without holding the pod rights it grants.
 */
import { randomUUID } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airflowPodLauncherRules } from '../../charts/airflow-construct.ts';
import { keysToGenerate } from '../../charts/generated-secret.ts';
import { buildOperatorInstallObjects } from '../../charts/operator-install.ts';
import { buildPipelineObjects, type KubernetesObject } from '../../charts/pipeline-chart.ts';
import { minimalSample } from '../../charts/samples/minimal.ts';
import { loadClusterAccess } from '../../operator/runtime/cluster-access.ts';
import { KubeApi, KubeApiError, type ObjectAddress } from '../../operator/runtime/kube-api.ts';
import { DEFAULT_LEASE_NAME, type RunningOperator } from '../../operator/operator.ts';
import { OWNED_KINDS, PIPELINE_KIND } from '../../operator/owned-kinds.ts';
import { collectionPath } from '../../operator/runtime/kinds.ts';
import type { RunReport } from '../../contract/run-report.ts';
import { connectionFor } from '../infra/connection.ts';
import { mountServiceAccount, type MountedServiceAccount } from './mounted-service-account.ts';
import { existsIn, installCrd, loadConfig, PipelineClient, startOperatorAs, until } from './operator-fixture.ts';
import { adminApi } from '../admin-api.ts';

describe('operator with exactly the install’s RBAC (real apiserver, ServiceAccount token)', () => {
  const namespace = `op-rbac-${randomUUID().slice(0, 8)}`;
  const clusterBinding = `recall-operator-${namespace}`;
  const name = 'rp';
  /** Every warning and error the operator logs: a refused request shows up here even when it is retried. */
  let problems: string[] = [];
  let client: PipelineClient;
  let admin: KubeApi;
  let rbac: k8s.RbacAuthorizationV1Api;
  let operatorApi: KubeApi;
  let pod: MountedServiceAccount;
  let operator: RunningOperator;
  let desired: KubernetesObject[];

  const exists = (object: { apiVersion: string; kind: string; metadata: { name: string } }) =>
    existsIn(admin, namespace, object);

  beforeAll(async () => {
    const { KUBECONFIG } = await connectionFor('kubernetes');
    await connectionFor('strimzi');
    const config = loadConfig(KUBECONFIG!);
    await installCrd(config);
    client = new PipelineClient(config, namespace);
    rbac = config.makeApiClient(k8s.RbacAuthorizationV1Api);
    await client.createNamespace();
    admin = new KubeApi(await loadClusterAccess(KUBECONFIG));

    // The install's RBAC as it ships; only the cluster binding gets a name of this test's own.
    const writer = await adminApi(config, 'recall-operator-rbac-test');
    const apply = (object: ObjectAddress) => writer.apply(object);
    const install = buildOperatorInstallObjects({ namespace });
    for (const object of install) {
      if (object.kind === 'ClusterRoleBinding') {
        await apply({ ...object, metadata: { ...object.metadata, name: clusterBinding } });
      } else if (['ServiceAccount', 'ClusterRole', 'Role', 'RoleBinding'].includes(object.kind)) {
        await apply(object);
      }
    }
    const serviceAccount = install.find((object) => object.kind === 'ServiceAccount')!.metadata.name;

    // The pipeline, and the per-pipeline Role and binding an earlier operator version made for it.
    const { uid } = (await client.create(name, minimalSample.spec)).metadata;
    desired = buildPipelineObjects({ ...minimalSample, metadata: { name, namespace, uid } });
    const binding = desired.find((object) => object.kind === 'RoleBinding')!;
    const legacy = { ...binding.metadata, name: `${name}-airflow-pod-launcher` };
    const legacyBinding = {
      ...binding,
      metadata: legacy,
      roleRef: { ...(binding.roleRef as object), kind: 'Role', name: legacy.name },
    };
    const legacyRole = {
      apiVersion: binding.apiVersion,
      kind: 'Role',
      metadata: legacy,
      rules: airflowPodLauncherRules,
    };
    await apply(legacyBinding);
    await apply(legacyRole);

    // What the kubelet would mount in the operator's pod.
    pod = await mountServiceAccount(client.core, KUBECONFIG!, {
      namespace,
      name: serviceAccount,
      expirationSeconds: 3600,
    });
    const access = await pod.access();
    operatorApi = new KubeApi(access);
    ({ operator, problems } = await startOperatorAs(access, { namespaces: [namespace], leaseNamespace: namespace }));
  });

  afterAll(async () => {
    await operator?.stop();
    await client?.deleteNamespace();
    await rbac?.deleteClusterRoleBinding({ name: clusterBinding }).catch(() => undefined);
    pod?.dispose();
  });

  it('is the ServiceAccount, which may not launch pods itself', async () => {
    const refused = await operatorApi
      .createIn(`/api/v1/namespaces/${namespace}/pods`, { metadata: { name: 'probe' } })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(KubeApiError);
    expect((refused as KubeApiError).code).toBe(403);
    expect((refused as KubeApiError).message).toContain(`system:serviceaccount:${namespace}:recall-operator`);
  });

  it('applies every child, the Airflow RoleBinding to the launcher ClusterRole included, and prunes the old Role', async () => {
    expect(desired.map((object) => object.kind)).toContain('RoleBinding');
    for (const object of desired) await until(() => exists(object), `${object.kind}/${object.metadata.name}`);
    for (const kind of ['Role', 'RoleBinding']) {
      const legacy = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind,
        metadata: { name: `${name}-airflow-pod-launcher` },
      };
      await until(async () => !(await exists(legacy)), `the earlier version’s ${kind} to be pruned`);
    }
    const ready = await until(() => client.condition(name, 'Ready'), 'a Ready condition');
    expect(ready.reason).not.toBe('ApplyFailed');
    const events = await client.core.listNamespacedEvent({ namespace });
    expect(events.items.map((event) => event.reason)).toContain('Applied');
    const lease = await admin.get<{ spec: { holderIdentity: string } }>(
      `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${DEFAULT_LEASE_NAME}`,
    );
    expect(lease.spec.holderIdentity).toBe(operator.identity);
  });

  it('runs the pipeline: creates its Jobs and reads their reports from the pods', async () => {
    await client.makeReady(name);
    const produced: RunReport = { step: 'produce', sent: 12, deadLettered: 0, checkpoint: '2024-01-01 (+0 at it)' };
    const consumed: RunReport = { step: 'consume', inserted: 12, updated: 0, deadLettered: 0, tableRows: 12 };
    for (const [job, report] of [
      [`${name}-produce-1`, produced],
      [`${name}-consume-1`, consumed],
    ] as const) {
      await until(
        () => client.finishJobPods(job, 'Succeeded', JSON.stringify(report)).then((ended) => ended > 0),
        `the pod of ${job}`,
      );
    }
    const done = await client.waitForCondition(name, 'LastRunSucceeded', 'True', 'Succeeded');
    expect(done.status?.lastRun).toMatchObject({ number: 1, recordsProduced: 12, recordsLoaded: 12 });
  });

  it('prunes Airflow, its RoleBinding included, when Airflow is turned off', async () => {
    await client.patch(name, { spec: { airflow: { enabled: false } } });
    // Create-only Secrets have a life of their own (generated-secret.ts); the rest of Airflow goes.
    const airflow = desired.filter(
      (child) =>
        child.metadata.labels?.['app.kubernetes.io/component']?.startsWith('airflow') && !keysToGenerate(child),
    );
    expect(airflow.map((object) => object.kind)).toContain('RoleBinding');
    for (const object of airflow) {
      await until(async () => !(await exists(object)), `${object.kind}/${object.metadata.name} to be pruned`);
    }
  });

  it('may list every kind it watches in every namespace, as it does when not scoped to one', async () => {
    for (const kind of [PIPELINE_KIND, ...OWNED_KINDS]) {
      await expect(operatorApi.list(collectionPath(kind)), kind.plural).resolves.toHaveProperty('items');
    }
  });

  it('was refused nothing along the way', () => {
    expect(problems.filter((line) => /403|forbidden/i.test(line))).toEqual([]);
  });
});
