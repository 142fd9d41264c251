/**
 * The one interface between the operator's pipeline logic and Kubernetes: read what the caches
 * hold, ask the API what they do not, write objects and statuses, record Events. The logic depends
 * on this alone, so its unit tests run it against an in-memory fake (test/fake-cluster.ts); the
 * operator runs it against the API server (KubeCluster).
 */
import type { EventRecorder, EventType } from './event-recorder.ts';
import type { JsonObject, KubeApi } from './kube-api.ts';
import { collectionPath, objectPath, type Kind, type KindRef } from './kinds.ts';
import type { ObjectCaches } from './object-caches.ts';

export interface Cluster {
  /** An object as the caches hold it; undefined when they hold none. */
  cached(kind: KindRef, namespace: string, name: string): JsonObject | undefined;
  /** Every cached object of a kind, in one namespace or in every watched one. */
  cachedList(kind: KindRef, namespace?: string): JsonObject[];
  /** From the API itself: what no cache holds. */
  get(kind: Kind, namespace: string, name: string): Promise<JsonObject>;
  list(kind: Kind, namespace: string, labelSelector?: string): Promise<JsonObject[]>;
  /** Server-side apply, forced. */
  apply(object: JsonObject): Promise<JsonObject>;
  /** Fails with 409 when the object exists. */
  create(object: JsonObject): Promise<JsonObject>;
  mergePatch(object: JsonObject, patch: unknown): Promise<JsonObject>;
  /** In the background, and only the object of that uid. */
  delete(object: JsonObject): Promise<void>;
  /** Server-side apply of `object`'s status subresource. */
  applyStatus(kind: Kind, object: JsonObject): Promise<void>;
  /** An Event about `regarding`; never fails. */
  record(regarding: JsonObject, type: EventType, reason: string, message: string): Promise<void>;
}

/** The Cluster of a running operator: its caches, its client, its Events. */
export class KubeCluster implements Cluster {
  readonly #api: KubeApi;
  readonly #caches: ObjectCaches;
  readonly #events: EventRecorder;

  constructor(api: KubeApi, caches: ObjectCaches, events: EventRecorder) {
    this.#api = api;
    this.#caches = caches;
    this.#events = events;
  }

  cached(kind: KindRef, namespace: string, name: string): JsonObject | undefined {
    return this.#caches.get(kind, namespace, name);
  }

  cachedList(kind: KindRef, namespace?: string): JsonObject[] {
    return this.#caches.list(kind, namespace);
  }

  get(kind: Kind, namespace: string, name: string): Promise<JsonObject> {
    return this.#api.get<JsonObject>(objectPath(kind, namespace, name));
  }

  async list(kind: Kind, namespace: string, labelSelector?: string): Promise<JsonObject[]> {
    return (await this.#api.list<JsonObject>(collectionPath(kind, namespace), labelSelector)).items;
  }

  apply(object: JsonObject): Promise<JsonObject> {
    return this.#api.apply(object);
  }

  create(object: JsonObject): Promise<JsonObject> {
    return this.#api.create(object);
  }

  mergePatch(object: JsonObject, patch: unknown): Promise<JsonObject> {
    return this.#api.mergePatch(object, patch);
  }

  delete(object: JsonObject): Promise<void> {
    return this.#api.delete(object);
  }

  async applyStatus(kind: Kind, object: JsonObject): Promise<void> {
    const { namespace, name } = object.metadata as { namespace: string; name: string };
    await this.#api.applyStatus(objectPath(kind, namespace, name), object);
  }

  record(regarding: JsonObject, type: EventType, reason: string, message: string): Promise<void> {
    return this.#events.record(regarding, type, reason, message);
  }
}
