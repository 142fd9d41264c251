/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   these tests read synthesized manifests: plain JSON of many shapes, checked field by field. */
import { describe, expect, it } from 'vitest';
import { buildOperatorInstallObjects, OPERATOR_NAMESPACE, OPERATOR_NODE_FLAGS } from './operator-install.ts';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

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
      'Role/recall-operator-leader-election',
      'RoleBinding/recall-operator-leader-election',
      'Deployment/recall-operator',
      'Service/recall-operator-metrics',
    ]);
  });

  it('grants no wildcard, and leases only in its own namespace', () => {
    const clusterRules = byKind('ClusterRole')[0]!.rules as Rule[];
    for (const rule of clusterRules) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
      expect(rule.resources).not.toContain('leases');
    }
    expect(clusterRules).toContainEqual({
      apiGroups: ['rappelconso.io'],
      resources: ['recallpipelines/status'],
      verbs: ['get', 'patch', 'update'],
    });
    const role = byKind('Role')[0]!;
    expect(role.metadata.namespace).toBe(OPERATOR_NAMESPACE);
    expect((role.rules as Rule[])[0]!.resources).toEqual(['leases']);
  });

  it('runs the compiled `recall operator` non-root with a read-only root filesystem', () => {
    const pod = byKind('Deployment')[0]!.spec.template.spec;
    expect(pod.containers[0].command).toEqual(['node', ...OPERATOR_NODE_FLAGS, 'dist/src/cli/recall.js', 'operator']);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });
});
