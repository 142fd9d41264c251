import { describe, expect, it } from 'vitest';
import { buildOperatorInstallObjects, OPERATOR_INSTALL_DEFAULTS } from '../operator-install.ts';
import { defaultHelmValues, helmValuesSchema, installProps } from './helm-values.ts';

describe('the Helm chart’s values', () => {
  it('default to the plain install: the same image, replicas, resources and log level', () => {
    const props = installProps(defaultHelmValues(), { name: 'r', namespace: 'ns' });
    expect(props).toMatchObject({
      image: OPERATOR_INSTALL_DEFAULTS.image,
      imagePullPolicy: OPERATOR_INSTALL_DEFAULTS.imagePullPolicy,
      replicas: OPERATOR_INSTALL_DEFAULTS.replicas,
      resources: OPERATOR_INSTALL_DEFAULTS.resources,
      logLevel: OPERATOR_INSTALL_DEFAULTS.logLevel,
      watchNamespaces: [],
      metricsService: true,
    });
    expect(props.serviceMonitor).toBeUndefined();
    expect(props.podMonitor).toBeUndefined();
  });

  it('refuse an unknown key and a bad value, naming them', () => {
    expect(() => helmValuesSchema.parse({ replica: 2 })).toThrow(/replica/);
    expect(() => helmValuesSchema.parse({ watchNamespaces: ['Team_A'] })).toThrow(/DNS-1123 label/);
  });

  it('watch listed namespaces through RoleBindings there and no ClusterRoleBinding', () => {
    const values = helmValuesSchema.parse({ watchNamespaces: ['team-a', 'team-b'] });
    const objects = buildOperatorInstallObjects(installProps(values, { name: 'r', namespace: 'ops' }));
    const bindings = objects.filter((object) => object.kind.endsWith('RoleBinding'));
    expect(bindings.map((object) => `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`)).toEqual([
      'RoleBinding/team-a/recall-operator',
      'RoleBinding/team-b/recall-operator',
      'RoleBinding/ops/recall-operator-leader-election',
    ]);
    const deployment = objects.find((object) => object.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } };
    };
    expect(deployment.spec.template.spec.containers[0]!.env).toContainEqual({
      name: 'RECALL_WATCH_NAMESPACES',
      value: 'team-a,team-b',
    });
  });
});
