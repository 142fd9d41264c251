/**
 * The operator's own install: its Namespace, the RecallPipeline CRD, a ServiceAccount with a
 * least-privilege ClusterRole (exactly what reconciling the objects of charts/pipeline-chart.ts
 * takes), the ClusterRole each pipeline's Airflow scheduler is bound to in its namespace, leader
 * election in its own namespace, the Deployment and its metrics Service; on request a ServiceMonitor
 * or PodMonitor. The Helm chart (charts/helm/) is generated from this same chart.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { DEFAULT_PIPELINE_IMAGE, IMAGE_RECALL_ENTRYPOINT, PIPELINE_IMAGE_USER } from '../contract/pipeline-defaults.ts';
import { recallPipelineCrd } from '../contract/recall-pipeline/crd.ts';
import { API_GROUP, PLURAL } from '../contract/recall-pipeline/group.ts';
import { AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE, airflowPodLauncherRules } from './airflow-construct.ts';
import { APP_NAME, MANAGED_BY, type Labels } from './labels.ts';
import type { KubernetesObject } from './pipeline-chart.ts';
import { podMonitor, serviceMonitor, type MonitorOptions } from './monitoring/operator-monitors.ts';
import { containerSecurityContext, podSecurityContext, scratchVolume } from './security.ts';

export const OPERATOR_NAMESPACE = 'recall-system';
export const OPERATOR_NAME = 'recall-operator';
export const METRICS_PORT = 9090;
export const METRICS_SERVICE = `${OPERATOR_NAME}-metrics`;

/**
 * Node flags of the operator (bench/suites/operator.ts runs it with these too). Measured with 200
 * pipelines: the live V8 heap is 60–70 MB, half of it module source and bytecode, yet by default
 * V8 let the old space grow to 105 MB, and its optimizing compilers add code and zone memory.
 * - 1 MB semi-spaces: the young generation grows to 3 × 16 MB by default, most of it idle;
 * - a 128 MB old space: V8 collects harder before it grows past what the live heap needs;
 * - bytecode only (no Sparkplug, Maglev or TurboFan) and V8's size-over-speed choices: reconciles
 *   mostly wait on the API server. (`--lite-mode`, which is also jitless, measured no smaller.)
 */
export const OPERATOR_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  '--max-old-space-size=128',
  '--no-opt',
  '--no-maglev',
  '--no-sparkplug',
  '--optimize-for-size',
];

/**
 * What the reconciler does to every kind it owns (operator/owned-kinds.ts): its informers list and
 * watch them, server-side apply patches them and, for an object not there yet, takes `create` too;
 * pruning deletes. It never replaces (PUT) one, so no `update`.
 */
const CHILD_VERBS = ['list', 'watch', 'create', 'patch', 'delete'];

/**
 * What the operator may do, resource by resource, each verb one it uses (operator/runtime/kube-api.ts says
 * which HTTP method each call is); the integration test operator-rbac runs it under exactly these.
 */
export const operatorRules: k8s.PolicyRule[] = [
  // Pipelines come from an informer; the status is written by server-side apply.
  { apiGroups: [API_GROUP], resources: [PLURAL], verbs: ['list', 'watch'] },
  { apiGroups: [API_GROUP], resources: [`${PLURAL}/status`], verbs: ['patch'] },
  // The operator adds no finalizer (docs/decisions/0002), but its children's owner references set
  // blockOwnerDeletion, which the OwnerReferencesPermissionEnforcement admission plugin allows only
  // to who may update the owner's finalizers.
  { apiGroups: [API_GROUP], resources: [`${PLURAL}/finalizers`], verbs: ['update'] },
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services', 'serviceaccounts'], verbs: CHILD_VERBS },
  { apiGroups: ['apps'], resources: ['statefulsets', 'deployments'], verbs: CHILD_VERBS },
  // A run's Job is read back when creating it finds one of the same name.
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', ...CHILD_VERBS] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: CHILD_VERBS },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: CHILD_VERBS },
  // Pipelines no longer get a Role of their own; the ones earlier versions made are pruned.
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['list', 'watch', 'delete'] },
  // Lets the Airflow RoleBinding name the pod launcher without the operator holding its pod rights.
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterroles'],
    verbs: ['bind'],
    resourceNames: [AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE],
  },
  { apiGroups: ['kafka.strimzi.io'], resources: ['kafkas', 'kafkanodepools', 'kafkatopics'], verbs: CHILD_VERBS },
  // The counts of a finished run are in its pods' termination messages; the pods Airflow's runs
  // leave are watched, read, and deleted once their run is in the status.
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'delete'] },
  // Events on the pipelines it reconciles, posted as core/v1 Events.
  { apiGroups: [''], resources: ['events'], verbs: ['create'] },
];

/** Leader election: a Lease in the operator's namespace only, read, created, then replaced (PUT). */
const leaderElectionRules: k8s.PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

/** Requests and limits in the Kubernetes JSON form, as users write them in a values file. */
export interface ContainerResources {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

/** How Prometheus Operator users ask for the operator's /metrics to be scraped. */
export type MonitorProps = MonitorOptions;

export interface OperatorInstallProps {
  /** Where the Deployment, its ServiceAccount and its Lease live. @default OPERATOR_NAMESPACE */
  readonly namespace?: string;
  /** Create that Namespace, labelled for the restricted Pod Security Standard. @default true */
  readonly createNamespace?: boolean;
  /** Include the RecallPipeline CRD (Helm installs it from the chart's crds/ folder instead). @default true */
  readonly includeCrd?: boolean;
  /** The operator's image, which is also the pipelines' default image. @default DEFAULT_PIPELINE_IMAGE */
  readonly image?: string;
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: string;
  /** Secrets for a private registry. @default [] */
  readonly imagePullSecrets?: k8s.LocalObjectReference[];
  /** Replicas; one leads (a Lease), the others stand by to take over at once. @default 1 */
  readonly replicas?: number;
  /** @default OPERATOR_INSTALL_DEFAULTS.resources (measured: bench/suites/operator.ts) */
  readonly resources?: ContainerResources;
  /** pino level of the operator's JSON logs: trace, debug, info, warn, error, fatal. @default 'info' */
  readonly logLevel?: string;
  /**
   * Namespaces whose pipelines it reconciles, granted by a RoleBinding in each; every namespace,
   * through a ClusterRoleBinding, when empty. @default []
   */
  readonly watchNamespaces?: readonly string[];
  /** Scheduling of the operator's pods. @default {} */
  readonly nodeSelector?: Record<string, string>;
  /** @default [] */
  readonly tolerations?: k8s.Toleration[];
  /** @default {} */
  readonly affinity?: k8s.Affinity;
  /** @default {} */
  readonly podAnnotations?: Record<string, string>;
  /** A Service in front of /metrics. @default true */
  readonly metricsService?: boolean;
  /** A Prometheus Operator ServiceMonitor for that Service. @default undefined (none) */
  readonly serviceMonitor?: MonitorProps;
  /** A Prometheus Operator PodMonitor for the operator's pods. @default undefined (none) */
  readonly podMonitor?: MonitorProps;
  /** Labels added to every object (a Helm release's). @default {} */
  readonly labels?: Readonly<Labels>;
}

/**
 * The defaults of OperatorInstallProps that users see as values (charts/helm/helm-values.ts takes
 * them from here). Resources: 60–70 MB of live heap with 200 pipelines under OPERATOR_NODE_FLAGS.
 */
export const OPERATOR_INSTALL_DEFAULTS = {
  image: DEFAULT_PIPELINE_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  replicas: 1,
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  logLevel: 'info',
} as const satisfies OperatorInstallProps;

/** The Deployment's variable that lists the watched namespaces (operator/operator-command.ts reads it). */
export const WATCH_NAMESPACES_ENV = 'RECALL_WATCH_NAMESPACES';
export const LOG_LEVEL_ENV = 'RECALL_LOG_LEVEL';

/**
 * The app.kubernetes.io labels of every object of the install, the CRD included, with the keys a
 * pipeline's objects carry (labels.ts). One install per cluster: its cluster-wide names are fixed.
 */
export const OPERATOR_LABELS: Readonly<Labels> = {
  'app.kubernetes.io/name': OPERATOR_NAME,
  'app.kubernetes.io/instance': OPERATOR_NAME,
  'app.kubernetes.io/component': 'operator',
  'app.kubernetes.io/part-of': APP_NAME,
  'app.kubernetes.io/managed-by': MANAGED_BY,
};

/** What selects the operator's pods (and the metrics Service, for a ServiceMonitor). */
export const OPERATOR_SELECTOR: Readonly<Labels> = { 'app.kubernetes.io/name': OPERATOR_NAME };

const isEmpty = (value: object | undefined): boolean => value === undefined || Object.keys(value).length === 0;

const quantities = (values: Readonly<Record<string, string>>): Record<string, k8s.Quantity> =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, k8s.Quantity.fromString(value)]));

export class OperatorInstallChart extends Chart {
  constructor(scope: Construct, id: string, props: OperatorInstallProps = {}) {
    const labels = { ...OPERATOR_LABELS, ...props.labels };
    super(scope, id, { labels, disableResourceNameHashes: true });
    const namespace = props.namespace ?? OPERATOR_NAMESPACE;
    const selector = { ...OPERATOR_SELECTOR };
    const meta = (name: string) => ({ name, namespace });
    const watchNamespaces = props.watchNamespaces ?? [];

    if (props.createNamespace ?? true) {
      new k8s.KubeNamespace(this, 'namespace', {
        metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      });
    }
    if (props.includeCrd ?? true) new ApiObject(this, 'crd', recallPipelineCrd());
    new k8s.KubeServiceAccount(this, 'service-account', { metadata: meta(OPERATOR_NAME) });
    new k8s.KubeClusterRole(this, 'cluster-role', { metadata: { name: OPERATOR_NAME }, rules: operatorRules });
    const operatorRole = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_NAME };
    const subjects = [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace }];
    if (watchNamespaces.length === 0) {
      new k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', {
        metadata: { name: OPERATOR_NAME },
        roleRef: operatorRole,
        subjects,
      });
    }
    // A RoleBinding to the ClusterRole grants its rules in that namespace only.
    for (const watched of watchNamespaces) {
      new k8s.KubeRoleBinding(this, `watch-${watched}`, {
        metadata: { name: OPERATOR_NAME, namespace: watched },
        roleRef: operatorRole,
        subjects,
      });
    }
    new k8s.KubeClusterRole(this, 'airflow-pod-launcher', {
      metadata: { name: AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE },
      rules: airflowPodLauncherRules,
    });
    const leaderElection = `${OPERATOR_NAME}-leader-election`;
    new k8s.KubeRole(this, 'leader-election-role', { metadata: meta(leaderElection), rules: leaderElectionRules });
    new k8s.KubeRoleBinding(this, 'leader-election-binding', {
      metadata: meta(leaderElection),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaderElection },
      subjects,
    });

    const tmp = scratchVolume('tmp', '/tmp');
    const probe = (path: string): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('metrics') },
      periodSeconds: 10,
    });
    const resources = props.resources ?? OPERATOR_INSTALL_DEFAULTS.resources;
    new k8s.KubeDeployment(this, 'deployment', {
      metadata: meta(OPERATOR_NAME),
      spec: {
        replicas: props.replicas ?? OPERATOR_INSTALL_DEFAULTS.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...labels, ...selector },
            ...(isEmpty(props.podAnnotations) ? {} : { annotations: props.podAnnotations }),
          },
          spec: {
            serviceAccountName: OPERATOR_NAME,
            ...(isEmpty(props.imagePullSecrets) ? {} : { imagePullSecrets: props.imagePullSecrets }),
            ...(isEmpty(props.nodeSelector) ? {} : { nodeSelector: props.nodeSelector }),
            ...(isEmpty(props.tolerations) ? {} : { tolerations: props.tolerations }),
            ...(isEmpty(props.affinity) ? {} : { affinity: props.affinity }),
            enableServiceLinks: false,
            securityContext: podSecurityContext(PIPELINE_IMAGE_USER),
            containers: [
              {
                name: 'operator',
                image: props.image ?? OPERATOR_INSTALL_DEFAULTS.image,
                imagePullPolicy: props.imagePullPolicy ?? OPERATOR_INSTALL_DEFAULTS.imagePullPolicy,
                command: ['node', ...OPERATOR_NODE_FLAGS, IMAGE_RECALL_ENTRYPOINT, 'operator'],
                env: [
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'METRICS_PORT', value: String(METRICS_PORT) },
                  { name: LOG_LEVEL_ENV, value: props.logLevel ?? OPERATOR_INSTALL_DEFAULTS.logLevel },
                  // Empty: every namespace. Always present, so that the install shows the knob.
                  { name: WATCH_NAMESPACES_ENV, value: watchNamespaces.join(',') },
                ],
                ports: [{ name: 'metrics', containerPort: METRICS_PORT }],
                livenessProbe: probe('/healthz'),
                readinessProbe: probe('/readyz'),
                resources: {
                  ...(resources.requests ? { requests: quantities(resources.requests) } : {}),
                  ...(resources.limits ? { limits: quantities(resources.limits) } : {}),
                },
                securityContext: containerSecurityContext({ readOnlyRootFilesystem: true }),
                volumeMounts: [tmp.mount],
              },
            ],
            volumes: [tmp.volume],
          },
        },
      },
    });
    if (props.metricsService ?? true) {
      new k8s.KubeService(this, 'metrics-service', {
        metadata: meta(METRICS_SERVICE),
        spec: {
          selector,
          ports: [{ name: 'metrics', port: METRICS_PORT, targetPort: k8s.IntOrString.fromString('metrics') }],
        },
      });
    }
    const target = { namespace, selector, port: 'metrics' };
    if (props.serviceMonitor) {
      new ApiObject(this, 'service-monitor', serviceMonitor(OPERATOR_NAME, target, props.serviceMonitor));
    }
    if (props.podMonitor) new ApiObject(this, 'pod-monitor', podMonitor(OPERATOR_NAME, target, props.podMonitor));
  }
}

export function buildOperatorInstallObjects(props: OperatorInstallProps = {}): KubernetesObject[] {
  return new OperatorInstallChart(new App(), 'operator', props).toJson() as KubernetesObject[];
}
