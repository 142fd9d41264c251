/**
 * What the operator knows of the cluster: ResilientInformers for RecallPipelines and for each
 * owned kind, the latter label-selected on managed-by so they cache only objects of pipelines; one
 * per kind across the cluster, or one per kind and watched namespace (namespaced-informers.ts).
 * Reconciles read from these caches, never from the API, so a steady pipeline costs no request.
 */
import type * as k8s from '@kubernetes/client-node';
import { API_GROUP_VERSION, KIND, PLURAL } from '../contract/recall-pipeline/group.ts';
import { AIRFLOW_STEP_POD } from '../charts/airflow-dag.ts';
import { MANAGED_BY, PIPELINE_ANNOTATION } from '../charts/labels.ts';
import type { ClusterAccess } from './cluster-access.ts';
import { isApiError, type JsonList, type JsonObject, type KubeApi } from './kube-api.ts';
import { NamespacedInformers, type CacheInformer } from './namespaced-informers.ts';
import { AIRFLOW_STEP_POD_KIND, collectionPath, kindKey, OWNED_KINDS, type OwnedKind } from './owned-kinds.ts';
import { ResilientInformer } from './resilient-informer.ts';

export const MANAGED_BY_SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;

export const PIPELINE_KIND = { apiVersion: API_GROUP_VERSION, plural: PLURAL } as const;

/** The pods Airflow launches for pipelines' DAG runs (operator/airflow-runs.ts), and only those. */
export const AIRFLOW_STEP_POD_SELECTOR = `${MANAGED_BY_SELECTOR},${AIRFLOW_STEP_POD.selector}`;

export interface CacheEvents {
  onPipeline: (pipeline: JsonObject, deleted: boolean) => void;
  onChild: (child: JsonObject, deleted: boolean) => void;
  onError: (what: string, error: unknown, restartInMs: number) => void;
}

export interface ObjectCachesOptions {
  /** Watch these namespaces, each with informers of its own; every namespace when unset or empty. */
  namespaces?: readonly string[];
  relistPeriodMs?: number;
}

type Informers = NamespacedInformers<k8s.KubernetesObject>;

export class ObjectCaches {
  readonly pipelines: Informers;
  readonly #airflowStepPods: Informers;
  readonly #children = new Map<string, Informers>();
  /** Every informer of every kind: what start, stop and synced go through. */
  readonly #all: readonly CacheInformer<k8s.KubernetesObject>[];
  /** The informers, by what the logs call them, that have listed at least once. */
  readonly #synced = new Set<string>();

  constructor(access: ClusterAccess, api: KubeApi, events: CacheEvents, options: ObjectCachesOptions = {}) {
    const informers = (
      what: string,
      kind: Pick<OwnedKind, 'apiVersion' | 'plural'>,
      labelSelector: string | undefined,
      onEvent: CacheEvents['onChild'],
    ) =>
      new NamespacedInformers(options.namespaces, (namespace) => {
        const path = collectionPath(kind, namespace);
        const name = namespace === undefined ? what : `${what} in ${namespace}`;
        return new ResilientInformer<k8s.KubernetesObject>(access, {
          path,
          labelSelector,
          list: async (selector) => {
            const list = await listOrEmpty(api, path, selector);
            this.#synced.add(name);
            return list as unknown as Awaited<ReturnType<k8s.ListPromise<k8s.KubernetesObject>>>;
          },
          onUpsert: (object) => {
            // The cache keeps the object it hands here: managedFields are often half its size, and
            // the operator never reads them.
            delete object.metadata?.managedFields;
            onEvent(object as JsonObject, false);
          },
          onDelete: (object) => onEvent(object as JsonObject, true),
          onError: (error, restartInMs) => events.onError(name, error, restartInMs),
          ...(options.relistPeriodMs === undefined ? {} : { relistPeriodMs: options.relistPeriodMs }),
        });
      });
    this.pipelines = informers('RecallPipeline', PIPELINE_KIND, undefined, events.onPipeline);
    this.#airflowStepPods = informers(
      'Airflow step Pod',
      AIRFLOW_STEP_POD_KIND,
      AIRFLOW_STEP_POD_SELECTOR,
      events.onChild,
    );
    for (const kind of OWNED_KINDS) {
      this.#children.set(kindKey(kind), informers(kind.kind, kind, MANAGED_BY_SELECTOR, events.onChild));
    }
    this.#all = [this.pipelines, this.#airflowStepPods, ...this.#children.values()].flatMap((kind) => kind.informers);
  }

  /** True once every informer has listed its objects at least once. */
  get synced(): boolean {
    return this.#synced.size === this.#all.length;
  }

  async start(): Promise<void> {
    await Promise.all(this.#all.map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#all.map((informer) => informer.stop()));
  }

  /** The pods of the pipeline's DAG runs that Airflow left for the operator to read. */
  airflowStepPods(namespace: string, pipeline: string): JsonObject[] {
    return this.#airflowStepPods
      .list(namespace)
      .map((pod) => ({ apiVersion: 'v1', kind: 'Pod', ...(pod as JsonObject) }))
      .filter((pod) => pod.metadata?.annotations?.[PIPELINE_ANNOTATION] === pipeline);
  }

  pipeline(namespace: string, name: string): JsonObject | undefined {
    return this.pipelines.get(name, namespace) as JsonObject | undefined;
  }

  /** Whatever is cached of that kind and name: a pipeline, an object of a kind it owns, an Airflow step pod. */
  object(kind: { apiVersion: string; kind: string }, namespace: string, name: string): JsonObject | undefined {
    if (kind.apiVersion === API_GROUP_VERSION && kind.kind === KIND) return this.pipeline(namespace, name);
    if (kindKey(kind) !== kindKey(AIRFLOW_STEP_POD_KIND)) return this.child(kind, namespace, name);
    const pod = this.#airflowStepPods.get(name, namespace) as JsonObject | undefined;
    return pod && { apiVersion: kind.apiVersion, kind: kind.kind, ...pod };
  }

  child(kind: { apiVersion: string; kind: string }, namespace: string, name: string): JsonObject | undefined {
    const object = this.#informer(kind).get(name, namespace) as JsonObject | undefined;
    // List items carry no apiVersion and kind; callers compare whole objects, so restore them.
    return object && { apiVersion: kind.apiVersion, kind: kind.kind, ...object };
  }

  /** Every cached object of `kind` in `namespace` (already restricted to managed-by). */
  children(kind: OwnedKind, namespace: string): JsonObject[] {
    return this.#informer(kind)
      .list(namespace)
      .map((object) => ({ apiVersion: kind.apiVersion, kind: kind.kind, ...(object as JsonObject) }));
  }

  #informer(kind: { apiVersion: string; kind: string }): Informers {
    const informer = this.#children.get(kindKey(kind));
    if (!informer) throw new Error(`no cache for ${kindKey(kind)}: add it to operator/owned-kinds.ts`);
    return informer;
  }
}

/**
 * Lists, with the selector the watch uses. A kind whose CRD is not installed (Strimzi's, in a
 * cluster that uses only external Kafka) lists as empty rather than holding up every other cache.
 */
async function listOrEmpty(
  api: KubeApi,
  path: string,
  labelSelector: string | undefined,
): Promise<JsonList<JsonObject>> {
  try {
    return await api.list<JsonObject>(path, labelSelector);
  } catch (error) {
    if (isApiError(error, 404)) return { items: [], metadata: { resourceVersion: '' } };
    throw error;
  }
}
