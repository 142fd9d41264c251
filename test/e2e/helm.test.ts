/**
 * The operator installed, upgraded and uninstalled with Helm on the real cluster, as its users do.
 * The cluster's operator came from `kubectl apply -f manifests/operator/install.yaml`; this file
 * moves it to a Helm release as a user switching does (the operator's objects deleted, the CRD and
 * the namespace kept), reconciles a pipeline under it, upgrades the release to other values, and uninstalls it: the operator goes,
 * the pipeline and its data stay. Afterwards the plain install is applied again for the next files.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRD_NAME, RUN_NOW_ANNOTATION } from '../../contract/recall-pipeline/group.ts';
import { AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE } from '../../charts/airflow-construct.ts';
import { METRICS_SERVICE, OPERATOR_NAME } from '../../charts/operator-install.ts';
import { chartDir, helm } from '../helm-cli.ts';
import { OPERATOR_DEPLOYMENT, OPERATOR_NAMESPACE, operatorLeader } from '../infra/cluster/kind-cluster.ts';
import { envContext } from '../infra/context.ts';
import { deployPipelineSources, externalModePipeline } from './external-mode-pipeline.ts';
import {
  apply,
  createNamespace,
  eventually,
  kubeconfig,
  kubectl,
  kubectlJson,
  requireCluster,
} from './kind-fixture.ts';
import { tableCount } from './pipeline-database.ts';
import { pipelineStatus, runEnded } from './pipeline-status.ts';
import { scenarioData } from './scenario-data.ts';

const RELEASE = 'recall-operator';
const PIPELINE = 'helm';

interface Meta {
  metadata: { uid: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** The operator's objects whose identity an upgrade must keep, by `kind/name` in its namespace. */
const OPERATOR_OBJECTS = [
  `deployment/${OPERATOR_DEPLOYMENT}`,
  `serviceaccount/${OPERATOR_NAME}`,
  `service/${METRICS_SERVICE}`,
  `role/${OPERATOR_NAME}-leader-election`,
];
const CLUSTER_OBJECTS = [`clusterrole/${OPERATOR_NAME}`, `clusterrole/${AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE}`];

describe('the operator installed with Helm', () => {
  let namespace: Awaited<ReturnType<typeof createNamespace>>;
  let pipeline: object;

  const helmIn = (...args: string[]) =>
    helm([...args, '--namespace', OPERATOR_NAMESPACE], { kubeconfig: kubeconfig() });
  const uid = async (object: string, ns?: string) =>
    (await kubectlJson<Meta>('get', object, ...(ns ? ['-n', ns] : []))).metadata.uid;
  const uids = async (objects: readonly string[], ns?: string) =>
    Object.fromEntries(await Promise.all(objects.map(async (object) => [object, await uid(object, ns)] as const)));
  const pipelineChildren = async () =>
    (
      await kubectl(
        'get',
        'statefulsets,services,configmaps,secrets,networkpolicies',
        '-n',
        namespace.name,
        '-l',
        `app.kubernetes.io/instance=${PIPELINE}`,
        '-o',
        'jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.uid}{"\\n"}{end}',
      )
    )
      .trim()
      .split('\n')
      .sort();

  beforeAll(async () => {
    requireCluster();
    namespace = await createNamespace('helm');
    const sources = await deployPipelineSources(namespace.name, scenarioData.dataFile);
    pipeline = externalModePipeline(namespace.name, PIPELINE, sources, { airflow: { enabled: false } });
  });

  afterAll(async () => {
    await namespace?.remove();
    // The next files expect the plain install, as kind:up leaves it.
    await kubectl(
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      path.join(envContext().root, 'manifests', 'operator', 'install.yaml'),
    );
    await kubectl('rollout', 'status', `deployment/${OPERATOR_DEPLOYMENT}`, '-n', OPERATOR_NAMESPACE, '--timeout=300s');
    await eventually('the operator to hold its Lease again', () => operatorLeader(envContext()));
  });

  it('helm install, where the kubectl install was, and the operator reconciles a pipeline', async () => {
    // As a user moving to Helm does: the operator's objects go, the CRD (and so every pipeline)
    // and the namespace stay.
    const selector = `app.kubernetes.io/name=${OPERATOR_NAME}`;
    await kubectl(
      'delete',
      'deployments,services,serviceaccounts,roles,rolebindings',
      '-n',
      OPERATOR_NAMESPACE,
      '-l',
      selector,
      '--wait=true',
    );
    await kubectl('delete', 'clusterroles,clusterrolebindings', '-l', selector, '--wait=true');

    await helmIn('install', RELEASE, chartDir(), '--wait', '--timeout', '5m');
    const deployment = await kubectlJson<Meta>('get', `deployment/${OPERATOR_DEPLOYMENT}`, '-n', OPERATOR_NAMESPACE);
    expect(deployment.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'Helm' });
    expect(deployment.metadata.annotations).toMatchObject({ 'meta.helm.sh/release-name': RELEASE });
    expect(await helmIn('status', RELEASE)).toContain('STATUS: deployed');
    await eventually('the operator to hold its Lease', () => operatorLeader(envContext()));

    await apply([pipeline]);
    await kubectl('wait', '--for=condition=Ready', `rp/${PIPELINE}`, '-n', namespace.name, '--timeout=900s');
    const first = await runEnded(namespace.name, PIPELINE, 1);
    expect(first.lastRun?.succeeded).toBe(true);
    expect(await tableCount(namespace.name, PIPELINE)).toBe(scenarioData.expectedTableRows);
  });

  it('helm upgrade to other values, the pipeline’s namespace alone watched: the operator keeps reconciling, nothing is recreated needlessly', async () => {
    const operatorBefore = await uids(OPERATOR_OBJECTS, OPERATOR_NAMESPACE);
    const clusterBefore = await uids(CLUSTER_OBJECTS);
    const childrenBefore = await pipelineChildren();

    await helmIn(
      'upgrade',
      RELEASE,
      chartDir(),
      '--set',
      'replicas=2',
      '--set',
      'logLevel=debug',
      '--set',
      'podAnnotations.example\\.com/upgraded=yes',
      '--set',
      `watchNamespaces={${namespace.name}}`,
      '--wait',
      '--timeout',
      '5m',
    );
    const deployment = await kubectlJson<{ spec: { replicas: number }; status: { readyReplicas?: number } }>(
      'get',
      `deployment/${OPERATOR_DEPLOYMENT}`,
      '-n',
      OPERATOR_NAMESPACE,
    );
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.status.readyReplicas).toBe(2);
    expect(await uids(OPERATOR_OBJECTS, OPERATOR_NAMESPACE)).toEqual(operatorBefore);
    expect(await uids(CLUSTER_OBJECTS)).toEqual(clusterBefore);
    // Its rights now come from a RoleBinding in the pipeline's namespace alone.
    const bindings = await kubectl(
      'get',
      'clusterrolebindings,rolebindings',
      '-A',
      '-o',
      'name',
      '-l',
      `app.kubernetes.io/name=${OPERATOR_NAME}`,
    );
    expect(bindings).not.toContain('clusterrolebinding');
    await kubectl('get', 'rolebinding', OPERATOR_NAME, '-n', namespace.name);
    await eventually('a replica of the new release to lead', () => operatorLeader(envContext()));

    // The new operator runs what it is asked: a run-now, to the end.
    await kubectl(
      'annotate',
      'rp',
      PIPELINE,
      '-n',
      namespace.name,
      `${RUN_NOW_ANNOTATION}=after-upgrade`,
      '--overwrite',
    );
    const ended = await runEnded(namespace.name, PIPELINE, 2);
    expect(ended.lastRun?.succeeded).toBe(true);
    expect(ended.totalRecordsLoaded).toBe(scenarioData.expectedTableRows);
    // The pipeline's objects are the same objects: the new operator patched nothing into a new one.
    expect(await pipelineChildren()).toEqual(childrenBefore);
  });

  it('helm uninstall removes the operator; the CRD, the pipeline and its data stay', async () => {
    await helmIn('uninstall', RELEASE, '--wait', '--timeout', '5m');
    const left = await kubectl(
      'get',
      'deployments,serviceaccounts,services,roles,rolebindings',
      '-n',
      OPERATOR_NAMESPACE,
      '-l',
      `app.kubernetes.io/name=${OPERATOR_NAME}`,
      '-o',
      'name',
    );
    expect(left.trim()).toBe('');
    expect(await kubectl('get', 'clusterroles', '-o', 'name')).not.toContain(
      `clusterrole.rbac.authorization.k8s.io/${OPERATOR_NAME}\n`,
    );
    expect(await kubectl('get', 'clusterroles', '-o', 'name')).not.toContain(AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE);
    await kubectl('get', 'crd', CRD_NAME);
    expect((await pipelineStatus(namespace.name, PIPELINE)).totalRecordsLoaded).toBe(scenarioData.expectedTableRows);
    expect(await tableCount(namespace.name, PIPELINE)).toBe(scenarioData.expectedTableRows);
  });
});
