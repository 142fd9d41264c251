/**
 * What the operator tests share. The local control plane has no kubelet and no Strimzi operator,
 * so nothing becomes ready by itself; the tests play those parts through the status subresources:
 *
 * - pods of the StatefulSet and Deployments are marked Running and Ready: the real StatefulSet,
 *   ReplicaSet and Deployment controllers then compute readyReplicas and availableReplicas (writing
 *   those counts on the StatefulSet or Deployment directly would be overwritten by the same
 *   controllers at their next sync, since they recount from pods);
 * - a run Job's pod is marked Succeeded or Failed: the real Job controller then sets the Job's
 *   Complete or Failed condition itself (a hand-written Job status would fight it, and the Job
 *   status validation of Kubernetes 1.34 refuses a Complete condition the pods do not back);
 * - KafkaTopics get a Ready condition, as Strimzi's Topic Operator would write.
 */
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { pino } from 'pino';
import { recallPipelineCrd } from '../../contract/recall-pipeline/crd.ts';
import type { RecallPipelineStatus } from '../../contract/recall-pipeline/status-schema.ts';
import { API_GROUP, API_VERSION, CRD_NAME, KIND, PLURAL } from '../../contract/recall-pipeline/group.ts';
import type { RecallPipelineInput } from '../../contract/recall-pipeline/recall-pipeline.ts';
import type { ClusterAccess } from '../../operator/runtime/cluster-access.ts';
import { isApiError, type KubeApi } from '../../operator/runtime/kube-api.ts';
import { startOperator, type RunningOperator } from '../../operator/operator.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { connectionFor } from '../infra/connection.ts';
import { endPod } from './kubelet.ts';
import { adminApi } from '../admin-api.ts';
import { until } from '../until.ts';

export { until };

export const MANAGED_BY_SELECTOR = 'app.kubernetes.io/managed-by=recall-pipeline-operator';

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export function loadConfig(kubeconfig: string): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  config.loadFromFile(kubeconfig);
  return config;
}

/**
 * Installs (or takes over, forced) the RecallPipeline CRD and waits until it serves: Established,
 * then its storage ready (the apiserver answers 429 "storage is (re)initializing" until then), so
 * an operator started next lists it at once; the environment waits the same way for Strimzi's.
 * The first write of a new kind also waits about 2 s inside the apiserver: a dry-run create pays
 * for it here, not the first pipeline a test or benchmark times.
 */
export async function installCrd(config: k8s.KubeConfig, crd = recallPipelineCrd()): Promise<void> {
  await (await adminApi(config, 'recall-operator-test')).apply(crd);
  const api = config.makeApiClient(k8s.ApiextensionsV1Api);
  await until(async () => {
    const live = await api.readCustomResourceDefinition({ name: CRD_NAME });
    return live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  }, 'the RecallPipeline CRD to be Established');
  const custom = config.makeApiClient(k8s.CustomObjectsApi);
  await until(
    () =>
      custom
        .listClusterCustomObject({ group: API_GROUP, version: API_VERSION, plural: PLURAL, resourceVersion: '0' })
        .then(() => true)
        .catch(() => false),
    `the ${PLURAL} storage to serve`,
  );
  await custom.createNamespacedCustomObject({
    group: API_GROUP,
    version: API_VERSION,
    plural: PLURAL,
    namespace: 'default',
    body: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: KIND, metadata: { name: 'first-write' }, spec: {} },
    dryRun: 'All',
  });
}

export interface NamespacedOperator {
  readonly client: PipelineClient;
  readonly operator: RunningOperator;
  /** Stops the operator and deletes its namespace. */
  stop(): Promise<void>;
}

/**
 * An in-process operator that watches only `namespace`, created for it on the shared control plane
 * (Strimzi's CRDs and ours installed), so it never touches what other tests run. It reconciles on
 * events alone: the periodic resync is an hour away.
 */
export async function namespacedOperator(namespace: string): Promise<NamespacedOperator> {
  const kubeconfig = (await connectionFor('kubernetes')).KUBECONFIG!;
  await connectionFor('strimzi');
  const config = loadConfig(kubeconfig);
  await installCrd(config);
  const client = new PipelineClient(config, namespace);
  await client.createNamespace();
  const operator = await startOperator({
    kubeconfig,
    namespaces: [namespace],
    logger: createLogger('operator', 'warn'),
    resyncPeriodMs: 60 * 60_000,
  });
  await until(() => operator.isReady(), 'the operator caches to sync');
  return {
    client,
    operator,
    stop: async () => {
      await operator.stop();
      await client.deleteNamespace();
    },
  };
}

export class PipelineClient {
  readonly custom: k8s.CustomObjectsApi;
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly batch: k8s.BatchV1Api;
  readonly namespace: string;

  constructor(config: k8s.KubeConfig, namespace: string) {
    this.custom = config.makeApiClient(k8s.CustomObjectsApi);
    this.core = config.makeApiClient(k8s.CoreV1Api);
    this.apps = config.makeApiClient(k8s.AppsV1Api);
    this.batch = config.makeApiClient(k8s.BatchV1Api);
    this.namespace = namespace;
  }

  async createNamespace(): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name: this.namespace } } });
  }

  async deleteNamespace(): Promise<void> {
    await this.core.deleteNamespace({ name: this.namespace }).catch(() => undefined);
  }

  async create(
    name: string,
    spec: RecallPipelineInput['spec'] = {},
    annotations?: Record<string, string>,
  ): Promise<Pipeline> {
    return (await this.custom.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace: this.namespace,
      plural: PLURAL,
      body: {
        apiVersion: `${API_GROUP}/${API_VERSION}`,
        kind: KIND,
        metadata: { name, namespace: this.namespace, ...(annotations ? { annotations } : {}) },
        spec,
      },
    })) as Pipeline;
  }

  async get(name: string): Promise<Pipeline> {
    return (await this.custom.getNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace: this.namespace,
      plural: PLURAL,
      name,
    })) as Pipeline;
  }

  async patch(name: string, patch: object): Promise<Pipeline> {
    return (await this.custom.patchNamespacedCustomObject(
      { group: API_GROUP, version: API_VERSION, namespace: this.namespace, plural: PLURAL, name, body: patch },
      mergePatch,
    )) as Pipeline;
  }

  async delete(name: string): Promise<void> {
    await this.custom.deleteNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace: this.namespace,
      plural: PLURAL,
      name,
      propagationPolicy: 'Background',
    });
  }

  /** The status condition `type` of a pipeline, once it has one. */
  async condition(name: string, type: string): Promise<StatusCondition | undefined> {
    return (await this.get(name)).status?.conditions?.find((condition) => condition.type === type);
  }

  /** Waits until the pipeline's condition `type` has `status` (and `reason`, when given). */
  async waitForCondition(
    name: string,
    type: string,
    status: string,
    reason?: string,
    timeoutMs?: number,
  ): Promise<Pipeline> {
    return until(
      async () => {
        const pipeline = await this.get(name);
        const found = pipeline.status?.conditions?.find((condition) => condition.type === type);
        return found?.status === status && (reason === undefined || found.reason === reason) ? pipeline : undefined;
      },
      `${name}: ${type}=${status}${reason ? ` (${reason})` : ''}`,
      timeoutMs,
    );
  }

  /** Plays the kubelet: every pod not of a Job runs and is ready. */
  async markPodsReady(): Promise<number> {
    const pods = await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: MANAGED_BY_SELECTOR });
    let marked = 0;
    for (const pod of pods.items) {
      if (pod.metadata?.labels?.['job-name'] !== undefined || pod.status?.phase === 'Running') continue;
      const now = new Date().toISOString();
      const condition = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
      await this.core.patchNamespacedPodStatus(
        {
          name: pod.metadata!.name!,
          namespace: this.namespace,
          body: {
            status: {
              phase: 'Running',
              startTime: now,
              conditions: [
                condition('PodScheduled'),
                condition('Initialized'),
                condition('ContainersReady'),
                condition('Ready'),
              ],
            },
          },
        },
        mergePatch,
      );
      marked += 1;
    }
    return marked;
  }

  /**
   * Plays the kubelet for a Job: its pods end with `phase`, and with `message` as the termination
   * message (what the container wrote to /dev/termination-log). Returns how many pods it ended.
   */
  async finishJobPods(jobName: string, phase: 'Succeeded' | 'Failed', message?: string): Promise<number> {
    const pods = await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: `job-name=${jobName}` });
    let ended = 0;
    for (const pod of pods.items) {
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      await endPod(this.core, pod, phase, message);
      ended += 1;
    }
    return ended;
  }

  /** Plays Strimzi's Topic Operator: every KafkaTopic of the namespace is Ready. */
  async markTopicsReady(): Promise<void> {
    const topics = (await this.custom.listNamespacedCustomObject({
      group: 'kafka.strimzi.io',
      version: 'v1',
      namespace: this.namespace,
      plural: 'kafkatopics',
    })) as { items: Array<{ metadata: { name: string; generation: number } }> };
    for (const topic of topics.items) {
      await this.custom.patchNamespacedCustomObjectStatus(
        {
          group: 'kafka.strimzi.io',
          version: 'v1',
          namespace: this.namespace,
          plural: 'kafkatopics',
          name: topic.metadata.name,
          body: {
            status: {
              observedGeneration: topic.metadata.generation,
              conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }],
            },
          },
        },
        mergePatch,
      );
    }
  }

  /** Plays kubelet and Strimzi until the pipeline is Ready. */
  async makeReady(name: string, timeoutMs = 90_000): Promise<Pipeline> {
    return until(
      async () => {
        await this.markTopicsReady();
        await this.markPodsReady();
        const ready = await this.condition(name, 'Ready');
        return ready?.status === 'True' ? this.get(name) : undefined;
      },
      `${name} to become Ready`,
      timeoutMs,
    );
  }

  async jobNames(): Promise<string[]> {
    const jobs = await this.batch.listNamespacedJob({ namespace: this.namespace, labelSelector: MANAGED_BY_SELECTOR });
    return jobs.items.map((job) => job.metadata!.name!).sort();
  }

  /** Every managed object of the namespace, as `Kind/name`. */
  async children(): Promise<string[]> {
    const ns = this.namespace;
    const labelSelector = MANAGED_BY_SELECTOR;
    const named = (kind: string, list: { items: Array<{ metadata?: { name?: string } }> }) =>
      list.items.map((item) => `${kind}/${item.metadata?.name}`);
    const strimzi = async (plural: string, kind: string) =>
      named(
        kind,
        (await this.custom.listNamespacedCustomObject({
          group: 'kafka.strimzi.io',
          version: 'v1',
          namespace: ns,
          plural,
          labelSelector,
        })) as {
          items: Array<{ metadata?: { name?: string } }>;
        },
      );
    return [
      ...named('ConfigMap', await this.core.listNamespacedConfigMap({ namespace: ns, labelSelector })),
      ...named('Secret', await this.core.listNamespacedSecret({ namespace: ns, labelSelector })),
      ...named('Service', await this.core.listNamespacedService({ namespace: ns, labelSelector })),
      ...named('ServiceAccount', await this.core.listNamespacedServiceAccount({ namespace: ns, labelSelector })),
      ...named('StatefulSet', await this.apps.listNamespacedStatefulSet({ namespace: ns, labelSelector })),
      ...named('Deployment', await this.apps.listNamespacedDeployment({ namespace: ns, labelSelector })),
      ...named('Job', await this.batch.listNamespacedJob({ namespace: ns, labelSelector })),
      ...(await strimzi('kafkatopics', 'KafkaTopic')),
      ...(await strimzi('kafkas', 'Kafka')),
      ...(await strimzi('kafkanodepools', 'KafkaNodePool')),
    ].sort();
  }
}

export interface StatusCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface Pipeline {
  metadata: {
    name: string;
    uid: string;
    generation: number;
    resourceVersion: string;
    creationTimestamp: string;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
  /** As the operator writes it (the schema's output: the apiserver fills the same defaults). */
  status?: RecallPipelineStatus;
}

/** What a write returned, or a read found, of an object the operator caches. */
export interface WrittenObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/**
 * Waits until the operator's caches hold `written` (at its resourceVersion or a later one) and
 * every reconcile queued by then has ended: what a test waits for before asserting that something
 * did not follow a write. resourceVersions are etcd revisions, one sequence for every kind; clients
 * must not order them, a test of one etcd may.
 */
export async function caughtUp(operator: RunningOperator, written: WrittenObject): Promise<void> {
  const { apiVersion, kind, metadata } = written;
  if (!apiVersion || !kind || !metadata?.name || !metadata.namespace || !metadata.resourceVersion) {
    throw new Error(`caughtUp needs apiVersion, kind, namespace, name and resourceVersion: ${JSON.stringify(written)}`);
  }
  const { name, namespace, resourceVersion } = metadata;
  await until(
    () =>
      Number(operator.cached({ apiVersion, kind }, namespace, name)?.metadata?.resourceVersion ?? 0) >=
      Number(resourceVersion),
    `the operator's cache to hold ${kind} ${namespace}/${name} at resourceVersion ${resourceVersion} or later`,
    { timeoutMs: 30_000, intervalMs: 20 },
  );
  await operator.idle();
}

/** A counter's total over all its labels, from a prom-client registry's JSON. */
export async function counterTotal(
  registry: { getMetricsAsJSON(): Promise<Array<{ name: string; values: Array<{ value: number }> }>> },
  name: string,
): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  return (metric?.values ?? []).reduce((sum, entry) => sum + entry.value, 0);
}

/**
 * The operator run with `access` (a mounted ServiceAccount's, so the RBAC under test applies) on
 * `namespaces`, its lease in `leaseNamespace`; resolves once it has synced its caches and leads.
 * Every warning and error it logs lands in `problems`, for tests that assert none was a refusal.
 */
export async function startOperatorAs(
  access: ClusterAccess,
  options: { namespaces: string[]; leaseNamespace: string },
): Promise<{ operator: RunningOperator; problems: string[] }> {
  const problems: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      problems.push(chunk.toString('utf8'));
      done();
    },
  });
  const operator = await startOperator({
    kubeconfig: access,
    namespaces: options.namespaces,
    leaderElection: { namespace: options.leaseNamespace },
    logger: pino({ name: 'operator', level: 'warn' }, sink),
    resyncPeriodMs: 60 * 60_000,
  });
  // Synced means every informer has listed: none of them lists where the RBAC says 403.
  await until(() => operator.isReady() && operator.isLeader(), 'the operator to sync its caches and lead');
  return { operator, problems };
}

/** Whether the owned object is in `namespace` now, read straight from the apiserver. */
export async function existsIn(
  api: KubeApi,
  namespace: string,
  object: { apiVersion: string; kind: string; metadata: { name: string } },
): Promise<boolean> {
  try {
    await api.read({ ...object, metadata: { name: object.metadata.name, namespace } });
    return true;
  } catch (error) {
    if (isApiError(error, 404)) return false;
    throw error;
  }
}
