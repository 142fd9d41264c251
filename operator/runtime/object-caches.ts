/**
 * What the operator knows of the cluster: a ResilientInformer for each watched kind, across the
 * cluster or one per watched namespace (namespaced-informers.ts), each optionally label-selected.
 * Reads come from these caches, never from the API, so a steady state costs no request.
 */
import type { ClusterAccess } from './cluster-access.ts';
import { isApiError, type JsonList, type JsonObject, type KubeApi } from './kube-api.ts';
import { collectionPath, kindKey, type Kind, type KindRef } from './kinds.ts';
import { NamespacedInformers, type CacheInformer } from './namespaced-informers.ts';
import { ResilientInformer } from './resilient-informer.ts';

/** One kind to cache. */
export interface Watch {
  readonly kind: Kind;
  /** Cache only the objects this selects; every object of the kind when unset. */
  readonly labelSelector?: string;
  /** What the logs call it; the kind by default. */
  readonly name?: string;
}

export interface CacheEvents {
  /**
   * An object of a watched kind was added, changed, or (`deleted`) removed: the cached object
   * itself, as the list or watch gave it (without apiVersion and kind), not to be changed.
   */
  onEvent: (kind: Kind, object: JsonObject, deleted: boolean) => void;
  onError: (what: string, error: unknown, restartInMs: number) => void;
}

export interface ObjectCachesOptions {
  /** Watch these namespaces, each with informers of its own; every namespace when unset or empty. */
  namespaces?: readonly string[];
  relistPeriodMs?: number;
}

type Informers = NamespacedInformers<JsonObject>;

export class ObjectCaches {
  readonly #byKind = new Map<string, { kind: Kind; informers: Informers }>();
  /** Every informer of every kind: what start, stop and synced go through. */
  readonly #all: readonly CacheInformer<JsonObject>[];
  /** The informers, by what the logs call them, that have listed at least once. */
  readonly #synced = new Set<string>();

  constructor(
    access: ClusterAccess,
    api: KubeApi,
    watches: readonly Watch[],
    events: CacheEvents,
    options: ObjectCachesOptions = {},
  ) {
    for (const { kind, labelSelector, name: what = kind.kind } of watches) {
      const informers = new NamespacedInformers(options.namespaces, (namespace) => {
        const path = collectionPath(kind, namespace);
        const name = namespace === undefined ? what : `${what} in ${namespace}`;
        return new ResilientInformer<JsonObject>(access, {
          path,
          labelSelector,
          list: async (selector) => {
            const list = await listOrEmpty(api, path, selector);
            this.#synced.add(name);
            return list;
          },
          onUpsert: (object) => {
            // The cache keeps the object it hands here: managedFields are often half its size, and
            // nothing here reads them.
            delete object.metadata?.managedFields;
            events.onEvent(kind, object, false);
          },
          onDelete: (object) => events.onEvent(kind, object, true),
          onError: (error, restartInMs) => events.onError(name, error, restartInMs),
          ...(options.relistPeriodMs === undefined ? {} : { relistPeriodMs: options.relistPeriodMs }),
        });
      });
      this.#byKind.set(kindKey(kind), { kind, informers });
    }
    this.#all = [...this.#byKind.values()].flatMap(({ informers }) => informers.informers);
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

  get(kind: KindRef, namespace: string, name: string): JsonObject | undefined {
    const object = this.#informers(kind).get(name, namespace);
    return object && withKind(kind, object);
  }

  /** Every cached object of `kind`, in `namespace` or in every watched one. */
  list(kind: KindRef, namespace?: string): JsonObject[] {
    return this.#informers(kind)
      .list(namespace)
      .map((object) => withKind(kind, object));
  }

  #informers(kind: KindRef): Informers {
    const watched = this.#byKind.get(kindKey(kind));
    if (!watched) throw new Error(`no cache for ${kindKey(kind)}: it is not watched`);
    return watched.informers;
  }
}

/** List items carry no apiVersion and kind; callers compare whole objects, so they are restored. */
function withKind(kind: KindRef, object: JsonObject): JsonObject {
  return { apiVersion: kind.apiVersion, kind: kind.kind, ...object };
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
