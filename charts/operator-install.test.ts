/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   these tests read synthesized manifests: plain JSON of many shapes, checked field by field. */
import { loadAllYaml } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { OWNED_KINDS } from '../operator/owned-kinds.ts';
import { AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE, airflowPodLauncherRules } from './airflow-construct.ts';
import { dagSource } from '../airflow/dag-source.ts';
import { manifestFiles } from './manifest-files.ts';
import {
  buildOperatorInstallObjects,
  OPERATOR_NAMESPACE,
  OPERATOR_NODE_FLAGS,
  operatorRules,
} from './operator-install.ts';
import { buildPipelineObjects } from './pipeline-chart.ts';
import { minimalSample } from './samples/minimal.ts';
import { IMAGE_RECALL_ENTRYPOINT } from '../contract/pipeline-defaults.ts';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

/** The verbs `rules` grant on `resource` of `group` to any object of it (rules with resourceNames left out). */
function verbsOn(rules: readonly Rule[], group: string, resource: string): string[] {
  return rules
    .filter((rule) => rule.apiGroups.includes(group) && rule.resources.includes(resource) && !rule.resourceNames)
    .flatMap((rule) => rule.verbs)
    .sort();
}

describe('the operator install', () => {
  const objects = buildOperatorInstallObjects();
  const byKind = (kind: string) => objects.filter((object) => object.kind === kind) as Array<Record<string, any>>;

  it('holds the Namespace, CRD, ServiceAccount, RBAC, Deployment and metrics Service', () => {
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      `Namespace/${OPERATOR_NAMESPACE}`,
      'CustomResourceDefinition/recallpipelines.rappelconso.io',
      'ServiceAccount/recall-operator',
      'ClusterRole/recall-operator',
      'ClusterRoleBinding/recall-operator',
      `ClusterRole/${AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE}`,
      'Role/recall-operator-leader-election',
      'RoleBinding/recall-operator-leader-election',
      'Deployment/recall-operator',
      'Service/recall-operator-metrics',
    ]);
  });

  it('grants no wildcard, and leases only in its own namespace, to read, create and replace', () => {
    const clusterRules = byKind('ClusterRole').find((role) => role.metadata.name === 'recall-operator')!
      .rules as Rule[];
    for (const rule of clusterRules) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
      expect(rule.resources).not.toContain('leases');
    }
    const role = byKind('Role')[0]!;
    expect(role.metadata.namespace).toBe(OPERATOR_NAMESPACE);
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    ]);
  });

  it('grants on pipelines and children only the verbs the operator uses: apply is PATCH, nothing is PUT', () => {
    const rules = operatorRules as Rule[];
    expect(verbsOn(rules, 'rappelconso.io', 'recallpipelines')).toEqual(['list', 'watch']);
    expect(verbsOn(rules, 'rappelconso.io', 'recallpipelines/status')).toEqual(['patch']);
    // Only for blockOwnerDeletion under OwnerReferencesPermissionEnforcement: no finalizer is added.
    expect(verbsOn(rules, 'rappelconso.io', 'recallpipelines/finalizers')).toEqual(['update']);
    const updates = rules.filter((rule) => rule.verbs.includes('update')).flatMap((rule) => rule.resources);
    expect(updates).toEqual(['recallpipelines/finalizers']);
    for (const kind of OWNED_KINDS) {
      const group = kind.apiVersion.includes('/') ? kind.apiVersion.split('/')[0]! : '';
      const expected =
        kind.kind === 'Role' ? ['delete', 'list', 'watch'] : ['create', 'delete', 'list', 'patch', 'watch'];
      if (kind.kind === 'Job') expected.push('get');
      expect(verbsOn(rules, group, kind.plural), kind.kind).toEqual(expected.sort());
    }
    expect(verbsOn(rules, '', 'events')).toEqual(['create']);
    expect(rules.some((rule) => rule.apiGroups.includes('events.k8s.io'))).toBe(false);
  });

  it('never launches pods, it reads run reports and removes the pods Airflow leaves: the Airflow launcher is granted through bind', () => {
    const rules = operatorRules as Rule[];
    expect(verbsOn(rules, '', 'pods')).toEqual(['delete', 'list', 'watch']);
    expect(verbsOn(rules, '', 'pods/log')).toEqual([]);
    expect(rules.filter((rule) => rule.verbs.includes('bind') || rule.verbs.includes('escalate'))).toEqual([
      {
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['clusterroles'],
        verbs: ['bind'],
        resourceNames: [AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE],
      },
    ]);
    const launcher = byKind('ClusterRole').find((role) => role.metadata.name === AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE)!;
    expect(launcher.rules).toEqual(airflowPodLauncherRules);
    const bindings = buildPipelineObjects(minimalSample).filter((object) => object.kind === 'RoleBinding');
    expect(bindings.map((binding) => binding.roleRef)).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE },
    ]);
  });

  it('labels every object, the CRD in both manifests included, with the app.kubernetes.io labels', () => {
    const files = manifestFiles(dagSource());
    const crdFile = loadAllYaml(files.get('crd/recallpipelines.rappelconso.io.yaml')!) as Array<Record<string, any>>;
    const installFile = loadAllYaml(files.get('operator/install.yaml')!) as Array<Record<string, any>>;
    const expected = {
      'app.kubernetes.io/name': 'recall-operator',
      'app.kubernetes.io/instance': 'recall-operator',
      'app.kubernetes.io/component': 'operator',
      'app.kubernetes.io/part-of': 'recall-pipeline',
      'app.kubernetes.io/managed-by': 'recall-pipeline-operator',
    };
    expect(crdFile).toHaveLength(1);
    expect(installFile).toHaveLength(objects.length);
    for (const object of [...crdFile, ...installFile, ...objects]) {
      expect(object.metadata.labels, `${object.kind}/${object.metadata.name}`).toMatchObject(expected);
    }
    expect(byKind('Deployment')[0]!.spec.template.metadata.labels).toMatchObject(expected);
  });

  it('runs the bundled `recall operator` non-root with a read-only root filesystem', () => {
    const pod = byKind('Deployment')[0]!.spec.template.spec;
    expect(pod.containers[0].command).toEqual(['node', ...OPERATOR_NODE_FLAGS, IMAGE_RECALL_ENTRYPOINT, 'operator']);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });
});
