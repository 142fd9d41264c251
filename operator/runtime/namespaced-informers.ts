/**
 * The informers of one kind: one across every namespace, or one per watched namespace. An operator
 * given a list of namespaces holds RoleBindings in those alone, so it must never list or watch a
 * kind cluster-wide; callers read through here without knowing which of the two it is.
 */
/** What is read of, and done to, one informer (ResilientInformer, or a fake in tests). */
export interface CacheInformer<T> {
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class NamespacedInformers<T> {
  /** By watched namespace; the single key undefined when every namespace is watched. */
  readonly #informers = new Map<string | undefined, CacheInformer<T>>();

  /** `namespaces` unset or empty watches every namespace, as the chart's `watchNamespaces: []` does. */
  constructor(
    namespaces: readonly string[] | undefined,
    informer: (namespace: string | undefined) => CacheInformer<T>,
  ) {
    const scopes = namespaces?.length ? new Set(namespaces) : [undefined];
    for (const namespace of scopes) this.#informers.set(namespace, informer(namespace));
  }

  get informers(): readonly CacheInformer<T>[] {
    return [...this.#informers.values()];
  }

  /** Undefined for a namespace not watched, as for any object the cache does not hold. */
  get(name: string, namespace: string): T | undefined {
    return this.#scope(namespace)?.get(name, namespace);
  }

  /** The cached objects of `namespace`, or of every watched namespace when unset. */
  list(namespace?: string): readonly T[] {
    if (namespace === undefined) return this.informers.flatMap((informer) => informer.list());
    return this.#scope(namespace)?.list(namespace) ?? [];
  }

  #scope(namespace: string): CacheInformer<T> | undefined {
    return this.#informers.get(namespace) ?? this.#informers.get(undefined);
  }
}
