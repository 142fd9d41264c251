/**
 * The operator's own install: its Namespace, the RecallPipeline CRD, a ServiceAccount with a
 * least-privilege ClusterRole (exactly what reconciling the objects of charts/pipeline-chart.ts
 * takes), leader election in its own namespace, the Deployment and its metrics Service.
 */
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { DEFAULT_PIPELINE_IMAGE, PIPELINE_IMAGE_USER } from '../src/pipeline-defaults.ts';
import { recallPipelineCrd } from './api/crd.ts';
import { API_GROUP, PLURAL } from './api/group.ts';
import { APP_NAME, MANAGED_BY } from './labels.ts';
import type { KubernetesObject } from './pipeline-chart.ts';
import { containerSecurityContext, podSecurityContext, scratchVolume } from './security.ts';

export const OPERATOR_NAMESPACE = 'recall-system';
export const OPERATOR_NAME = 'recall-operator';
export const METRICS_PORT = 9090;

/** The operator runs compiled: Node's type stripping costs about 25 MB of its resident memory. */
export const OPERATOR_ENTRYPOINT = 'dist/src/cli/recall.js';

/**
 * Node flags of the operator (bench/suites/operator.ts runs it with these too). Measured with 200
 * pipelines: the live V8 heap is 60–70 MB, half of it module source and bytecode, yet by default
 * V8 let the old space grow to 105 MB, and its optimizing compilers add code and zone memory.
 * - 1 MB semi-spaces: the young generation grows to 3 × 16 MB by default, most of it idle;
 * - a 128 MB old space: V8 collects harder before it grows past what the live heap needs;
 * - bytecode only (no Sparkplug, Maglev or TurboFan) and V8's size-over-speed choices, as in
 *   `--lite-mode` without its ban on WebAssembly (fetch's HTTP parser is WebAssembly): reconciles
 *   mostly wait on the API server.
 */
export const OPERATOR_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  '--max-old-space-size=128',
  '--no-opt',
  '--no-maglev',
  '--no-sparkplug',
  '--optimize-for-size',
];

const ALL_WRITE = ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'];

/** What the operator may do, resource by resource; each line is needed by some part of a pipeline. */
export const operatorRules: k8s.PolicyRule[] = [
  // Watch pipelines and write their status; the operator adds no finalizer (docs/decisions/0002).
  { apiGroups: [API_GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [API_GROUP], resources: [`${PLURAL}/status`], verbs: ['get', 'patch', 'update'] },
  // Children carry blockOwnerDeletion: with OwnerReferencesPermissionEnforcement that takes this.
  { apiGroups: [API_GROUP], resources: [`${PLURAL}/finalizers`], verbs: ['update'] },
  // The objects of charts/pipeline-chart.ts.
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services', 'serviceaccounts'], verbs: ALL_WRITE },
  { apiGroups: ['apps'], resources: ['statefulsets', 'deployments'], verbs: ALL_WRITE },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ALL_WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ALL_WRITE },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ALL_WRITE },
  { apiGroups: ['kafka.strimzi.io'], resources: ['kafkas', 'kafkanodepools', 'kafkatopics'], verbs: ALL_WRITE },
  // Kubernetes lets a subject grant only what it holds: these are the Airflow pod launcher's rights. The operator
  // itself lists a finished run's pods, to read the counts in their termination messages.
  { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  // Events on the pipelines it reconciles.
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];

/** Leader election: a Lease in the operator's namespace only. */
const leaderElectionRules: k8s.PolicyRule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'],
  },
];

export interface OperatorInstallOptions {
  readonly image?: string;
  readonly namespace?: string;
}

export class OperatorInstallChart extends Chart {
  constructor(scope: Construct, id: string, options: OperatorInstallOptions = {}) {
    const labels = {
      'app.kubernetes.io/name': OPERATOR_NAME,
      'app.kubernetes.io/part-of': APP_NAME,
      'app.kubernetes.io/managed-by': MANAGED_BY,
      'app.kubernetes.io/component': 'operator',
    };
    super(scope, id, { labels, disableResourceNameHashes: true });
    const namespace = options.namespace ?? OPERATOR_NAMESPACE;
    const selector = { 'app.kubernetes.io/name': OPERATOR_NAME };
    const meta = (name: string) => ({ name, namespace });

    new k8s.KubeNamespace(this, 'namespace', {
      metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    new ApiObject(this, 'crd', recallPipelineCrd());
    new k8s.KubeServiceAccount(this, 'service-account', { metadata: meta(OPERATOR_NAME) });
    new k8s.KubeClusterRole(this, 'cluster-role', { metadata: { name: OPERATOR_NAME }, rules: operatorRules });
    new k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name: OPERATOR_NAME },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_NAME },
      subjects: [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace }],
    });
    const leaderElection = `${OPERATOR_NAME}-leader-election`;
    new k8s.KubeRole(this, 'leader-election-role', { metadata: meta(leaderElection), rules: leaderElectionRules });
    new k8s.KubeRoleBinding(this, 'leader-election-binding', {
      metadata: meta(leaderElection),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaderElection },
      subjects: [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace }],
    });

    const tmp = scratchVolume('tmp', '/tmp');
    const probe = (path: string): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('metrics') },
      periodSeconds: 10,
    });
    new k8s.KubeDeployment(this, 'deployment', {
      metadata: meta(OPERATOR_NAME),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels, ...selector } },
          spec: {
            serviceAccountName: OPERATOR_NAME,
            enableServiceLinks: false,
            securityContext: podSecurityContext(PIPELINE_IMAGE_USER),
            containers: [
              {
                name: 'operator',
                image: options.image ?? DEFAULT_PIPELINE_IMAGE,
                command: ['node', ...OPERATOR_NODE_FLAGS, OPERATOR_ENTRYPOINT, 'operator'],
                env: [
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'METRICS_PORT', value: String(METRICS_PORT) },
                ],
                ports: [{ name: 'metrics', containerPort: METRICS_PORT }],
                livenessProbe: probe('/healthz'),
                readinessProbe: probe('/readyz'),
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') },
                  limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('512Mi') },
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
    new k8s.KubeService(this, 'metrics-service', {
      metadata: meta(`${OPERATOR_NAME}-metrics`),
      spec: {
        selector,
        ports: [{ name: 'metrics', port: METRICS_PORT, targetPort: k8s.IntOrString.fromString('metrics') }],
      },
    });
  }
}

export function buildOperatorInstallObjects(options: OperatorInstallOptions = {}): KubernetesObject[] {
  return new OperatorInstallChart(new App(), 'operator', options).toJson() as KubernetesObject[];
}
