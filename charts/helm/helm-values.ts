/**
 * The Helm chart's values: one zod schema gives values.yaml (defaults and their comments),
 * values.schema.json (Helm refuses a release whose values do not match it) and the TypeScript
 * type. The defaults are the plain install's (charts/operator-install.ts), so `helm install` with
 * no values and `kubectl apply -f manifests/operator/install.yaml` run the same operator.
 */
import { z } from 'zod';
import { dnsLabel, quantity } from '../../contract/recall-pipeline/field-formats.ts';
import { OPERATOR_INSTALL_DEFAULTS, type MonitorProps, type OperatorInstallProps } from '../operator-install.ts';

/** `repository:tag` of the default image, split where Helm users set them apart. */
const [defaultRepository, appVersion] = (() => {
  const at = OPERATOR_INSTALL_DEFAULTS.image.lastIndexOf(':');
  return [OPERATOR_INSTALL_DEFAULTS.image.slice(0, at), OPERATOR_INSTALL_DEFAULTS.image.slice(at + 1)];
})();

/** The chart's appVersion: the tag of the image the operator's release ships. */
export const CHART_APP_VERSION = appVersion;

const labelMap = z.record(z.string(), z.string());
const quantities = z.record(z.string(), quantity);

const monitorSchema = (kind: string) =>
  z.strictObject({
    enabled: z.boolean().default(false).describe(`Create a ${kind} (needs the Prometheus Operator's CRDs).`),
    interval: z
      .string()
      .regex(/^(\d+(ms|s|m|h))*$/, 'must be a duration such as 30s or 1m')
      .default('')
      .describe("How often Prometheus scrapes; empty: Prometheus's global scrape interval."),
    labels: labelMap
      .default({})
      .describe(`Extra labels on the ${kind}, for a Prometheus that selects monitors by label.`),
  });

export const helmValuesSchema = z.strictObject({
  image: z
    .strictObject({
      repository: z
        .string()
        .min(1)
        .default(defaultRepository)
        .describe('Image of the operator and, by default, of the pipelines.'),
      tag: z.string().default('').describe("Image tag; empty: the chart's appVersion."),
      pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).default(OPERATOR_INSTALL_DEFAULTS.imagePullPolicy),
      pullSecrets: z
        .array(z.strictObject({ name: dnsLabel }))
        .default([])
        .describe('Secrets for a private registry, as `- name: regcred`.'),
    })
    .prefault({}),
  replicas: z
    .number()
    .int()
    .min(0)
    .default(OPERATOR_INSTALL_DEFAULTS.replicas)
    .describe(
      'Operator replicas: one leads through a Lease, the others take over within seconds if it goes (2 is safe).',
    ),
  resources: z
    .strictObject({ requests: quantities.optional(), limits: quantities.optional() })
    .default(OPERATOR_INSTALL_DEFAULTS.resources)
    .describe('Requests and limits of the operator container (its heap is 60-70 MB with 200 pipelines).'),
  logLevel: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal'])
    .default(OPERATOR_INSTALL_DEFAULTS.logLevel)
    .describe('Level of the JSON logs.'),
  watchNamespaces: z
    .array(dnsLabel)
    .default([])
    .describe(
      'Namespaces whose RecallPipelines the operator reconciles, each granted by a RoleBinding; empty: every namespace, through a ClusterRoleBinding.',
    ),
  nodeSelector: labelMap.default({}).describe("Node labels the operator's pods must run on."),
  tolerations: z.array(z.record(z.string(), z.unknown())).default([]).describe("Tolerations of the operator's pods."),
  affinity: z.record(z.string(), z.unknown()).default({}).describe("Affinity of the operator's pods."),
  podAnnotations: labelMap.default({}).describe("Annotations on the operator's pods."),
  metrics: z
    .strictObject({
      service: z
        .strictObject({
          enabled: z.boolean().default(true).describe('A Service in front of /metrics (port 9090, named metrics).'),
        })
        .prefault({}),
      serviceMonitor: monitorSchema('ServiceMonitor').prefault({}),
      podMonitor: monitorSchema('PodMonitor').prefault({}),
    })
    .prefault({}),
});

export type HelmValues = z.output<typeof helmValuesSchema>;

export const defaultHelmValues = (): HelmValues => helmValuesSchema.parse({});

/** What Helm sets besides the values: the release's name and namespace, and itself as manager. */
export interface HelmRelease {
  readonly name: string;
  readonly namespace: string;
}

export const CHART_NAME = 'recall-pipeline-operator';
export const CHART_VERSION = appVersion;

/** The labels Helm users expect on every object of a release. */
export function releaseLabels(release: { name: string; service: string }): Record<string, string> {
  return {
    'app.kubernetes.io/instance': release.name,
    'app.kubernetes.io/managed-by': release.service,
    'helm.sh/chart': `${CHART_NAME}-${CHART_VERSION}`,
  };
}

const monitorProps = (monitor: HelmValues['metrics']['serviceMonitor']): MonitorProps | undefined =>
  monitor.enabled
    ? {
        ...(monitor.interval === '' ? {} : { interval: monitor.interval }),
        ...(Object.keys(monitor.labels).length === 0 ? {} : { labels: monitor.labels }),
      }
    : undefined;

/**
 * The install a release of the chart amounts to, as the plain chart's props. The chart's templates
 * (helm-templates.ts) say the same in Helm's language; a test renders both and compares them.
 */
export function installProps(values: HelmValues, release: HelmRelease): OperatorInstallProps {
  const serviceMonitor = monitorProps(values.metrics.serviceMonitor);
  const podMonitor = monitorProps(values.metrics.podMonitor);
  return {
    namespace: release.namespace,
    createNamespace: false,
    includeCrd: false,
    image: `${values.image.repository}:${values.image.tag === '' ? CHART_APP_VERSION : values.image.tag}`,
    imagePullPolicy: values.image.pullPolicy,
    imagePullSecrets: values.image.pullSecrets,
    replicas: values.replicas,
    resources: values.resources,
    logLevel: values.logLevel,
    watchNamespaces: values.watchNamespaces,
    nodeSelector: values.nodeSelector,
    tolerations: values.tolerations,
    affinity: values.affinity,
    podAnnotations: values.podAnnotations,
    metricsService: values.metrics.service.enabled,
    ...(serviceMonitor ? { serviceMonitor } : {}),
    ...(podMonitor ? { podMonitor } : {}),
    labels: releaseLabels({ name: release.name, service: 'Helm' }),
  };
}
