/**
 * The operator's Helm chart with the real Helm and the real control plane: it lints; `helm template`
 * renders, for the default values and for every value set, exactly the objects the cdk8s chart
 * builds for those values (so the chart and manifests/operator/install.yaml cannot drift); the
 * apiserver accepts both renders in a server-side dry-run with strict field validation, the
 * ServiceMonitor and PodMonitor against the Prometheus Operator's real CRDs; bad values are refused
 * naming the value. YAML is read with js-yaml: client-node's loader maps known kinds onto its models.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { Yaml } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recallPipelineCrd } from '../../contract/recall-pipeline/crd.ts';
import { defaultHelmValues, helmValuesSchema, installProps, type HelmValues } from '../../charts/helm/helm-values.ts';
import { buildOperatorInstallObjects } from '../../charts/operator-install.ts';
import { pipelinePrometheusRule } from '../../charts/monitoring/prometheus-rule.ts';
import { chartDir, helm, helmResult } from '../helm-cli.ts';
import { connectionFor } from '../infra/connection.ts';
import { prometheusOperatorCrds } from '../infra/prometheus-operator-crds.ts';
import { adminApi } from '../admin-api.ts';
import type { KubeApi } from '../../operator/runtime/kube-api.ts';

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const release = { name: 'recall', namespace: `helm-${suffix}` };
const watched = [`helm-${suffix}-a`, `helm-${suffix}-b`];

/** How Helm combines a values file with values.yaml: maps merge key by key, anything else replaces. */
function helmMerge(base: unknown, override: unknown): unknown {
  const isMap = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isMap(base) || !isMap(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(override)) merged[name] = helmMerge(base[name], value);
  return merged;
}

/** A value for every key of values.yaml, none of them its default, as a user's values file. */
const everyValueFileContent = {
  image: {
    repository: 'registry.example.com/recall/operator',
    tag: '9.9.9',
    pullPolicy: 'Always',
    pullSecrets: [{ name: 'regcred' }],
  },
  replicas: 2,
  resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '256Mi' } },
  logLevel: 'debug',
  watchNamespaces: watched,
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'pipelines', effect: 'NoSchedule' }],
  affinity: {
    nodeAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 1, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
      ],
    },
  },
  podAnnotations: { 'example.com/team': 'recalls' },
  metrics: {
    service: { enabled: true },
    serviceMonitor: { enabled: true, interval: '30s', labels: { release: 'prometheus' } },
    podMonitor: { enabled: true, interval: '1m', labels: { release: 'prometheus' } },
  },
};
const everyValue: HelmValues = helmValuesSchema.parse(helmMerge(defaultHelmValues(), everyValueFileContent));

const key = (object: KubernetesObject): string =>
  `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
const sorted = (objects: KubernetesObject[]): KubernetesObject[] =>
  [...objects].sort((a, b) => key(a).localeCompare(key(b)));

describe('the Helm chart', () => {
  let dir: string;
  let everyValueFile: string;
  let api: KubeApi;
  const apply = (object: KubernetesObject, options?: { dryRun?: boolean }) => api.apply(object, options);
  let core: CoreV1Api;

  const template = async (...args: string[]): Promise<KubernetesObject[]> =>
    (
      yaml.loadAll(
        await helm(['template', release.name, chartDir(), '--namespace', release.namespace, ...args]),
      ) as (KubernetesObject | null)[]
    ).filter((object): object is KubernetesObject => object !== null);

  const expected = (values: HelmValues): KubernetesObject[] =>
    sorted(buildOperatorInstallObjects(installProps(values, release)));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-helm-'));
    everyValueFile = path.join(dir, 'every-value.yaml');
    fs.writeFileSync(everyValueFile, Yaml.stringify(everyValueFileContent));
    const env = await connectionFor('kubernetes');
    const config = new KubeConfig();
    config.loadFromFile(env.KUBECONFIG ?? '');
    api = await adminApi(config, 'recall-helm-test');
    core = config.makeApiClient(CoreV1Api);
    for (const crd of [recallPipelineCrd(), ...(await prometheusOperatorCrds())]) {
      await apply(crd);
    }
    for (const name of [release.namespace, ...watched]) await core.createNamespace({ body: { metadata: { name } } });
  });

  afterAll(async () => {
    for (const name of [release.namespace, ...watched]) {
      await core?.deleteNamespace({ name }).catch(() => undefined);
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes helm lint, with the defaults and with every value set', async () => {
    for (const args of [[], ['--values', everyValueFile]]) {
      const result = await helmResult(['lint', '--strict', chartDir(), ...args]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });

  it('renders with the defaults exactly what manifests/operator/install.yaml installs, but the Namespace and the CRD', async () => {
    const rendered = sorted(await template());
    expect(rendered).toEqual(expected(defaultHelmValues()));
    const plain = buildOperatorInstallObjects({ namespace: release.namespace }) as KubernetesObject[];
    // The labels that name the release differ by design: the plain install is not a release.
    const releaseLabelKeys = ['app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'helm.sh/chart'];
    const withoutReleaseLabels = (object: KubernetesObject) =>
      JSON.stringify(object, (name, value: unknown) => (releaseLabelKeys.includes(name) ? undefined : value));
    expect(rendered.map(withoutReleaseLabels)).toEqual(
      sorted(plain.filter((object) => !['Namespace', 'CustomResourceDefinition'].includes(object.kind!))).map(
        withoutReleaseLabels,
      ),
    );
    // Helm installs crds/ as it is: the same CRD as the plain manifests'.
    const crdFile = path.join(chartDir(), 'crds', 'recallpipelines.rappelconso.io.yaml');
    const crd = yaml.loadAll(fs.readFileSync(crdFile, 'utf8')) as object[];
    const manifestCrd = yaml.loadAll(
      fs.readFileSync(path.join(chartDir(), '..', '..', 'crd', 'recallpipelines.rappelconso.io.yaml'), 'utf8'),
    ) as object[];
    expect(crd).toEqual(manifestCrd);
  });

  it('renders with every value set exactly what the cdk8s chart builds for them', async () => {
    const rendered = sorted(await template('--values', everyValueFile));
    expect(rendered).toEqual(expected(everyValue));
    const kinds = rendered.map((object) => `${object.kind}/${object.metadata?.namespace ?? ''}`);
    expect(kinds).toContain(`ServiceMonitor/${release.namespace}`);
    expect(kinds).toContain(`PodMonitor/${release.namespace}`);
    expect(kinds).toEqual(expect.arrayContaining(watched.map((namespace) => `RoleBinding/${namespace}`)));
    expect(kinds).not.toContain('ClusterRoleBinding/');
  });

  it('is accepted by the apiserver, the monitors by the Prometheus Operator’s CRDs, in a server-side dry-run', async () => {
    for (const args of [[], ['--values', everyValueFile]]) {
      for (const object of await template(...args)) {
        await expect(apply(object, { dryRun: true }), key(object)).resolves.toBeDefined();
      }
    }
    await expect(
      apply(pipelinePrometheusRule(release.namespace) as KubernetesObject, { dryRun: true }),
    ).resolves.toBeDefined();
  });

  it('refuses bad values naming the value', async () => {
    const refusal = async (...set: string[]) => {
      const result = await helmResult([
        'template',
        release.name,
        chartDir(),
        ...set.flatMap((value) => ['--set', value]),
      ]);
      expect(result.code).not.toBe(0);
      return result.stderr;
    };
    expect(await refusal('replicas=-1')).toMatch(/replicas/);
    expect(await refusal('replica=2')).toMatch(/replica/);
    expect(await refusal('logLevel=loud')).toMatch(/logLevel/);
    expect(await refusal('watchNamespaces[0]=Not_A_Namespace')).toMatch(/watchNamespaces/);
    expect(await refusal('metrics.service.enabled=false', 'metrics.serviceMonitor.enabled=true')).toContain(
      'metrics.serviceMonitor.enabled=true needs metrics.service.enabled=true',
    );
  });
});
