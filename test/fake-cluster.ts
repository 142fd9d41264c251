/**
 * An in-memory Cluster (operator/runtime/cluster.ts) for unit tests of the operator's logic: one
 * store serves as both the caches and the API, every write is logged, and Events are kept. It
 * models what the logic relies on (uids, resourceVersions, 404 and 409, status kept apart from
 * apply) and nothing else; the real API server is the integration tier's.
 */
import type { Cluster } from '../operator/runtime/cluster.ts';
import type { EventType } from '../operator/runtime/event-recorder.ts';
import { KubeApiError, type JsonObject } from '../operator/runtime/kube-api.ts';
import { kindKey, type Kind, type KindRef } from '../operator/runtime/kinds.ts';

export interface FakeWrite {
  readonly verb: 'apply' | 'create' | 'patch' | 'delete' | 'status';
  /** `apiVersion/kind/namespace/name`. */
  readonly object: string;
}

export interface FakeEvent {
  readonly regarding: string;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

const clone = <T>(value: T): T => structuredClone(value);

function keyOf(kind: KindRef, namespace: string | undefined, name: string | undefined): string {
  return `${kindKey(kind)}/${namespace ?? ''}/${name ?? ''}`;
}

function objectKey(object: JsonObject): string {
  return keyOf(
    { apiVersion: object.apiVersion ?? '', kind: object.kind ?? '' },
    object.metadata?.namespace,
    object.metadata?.name,
  );
}

function notFound(key: string): KubeApiError {
  return new KubeApiError('GET', key, 404, 'NotFound', `${key} not found`);
}

/** RFC 7386: objects merge, null deletes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function selects(selector: string | undefined, object: JsonObject): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [label, value] = term.split('=');
    return object.metadata?.labels?.[label!] === value;
  });
}

export class FakeCluster implements Cluster {
  readonly #objects = new Map<string, JsonObject>();
  readonly writes: FakeWrite[] = [];
  readonly events: FakeEvent[] = [];
  #version = 0;
  #uid = 0;

  /** Puts an object in the store as if someone else had written it; returns it as stored. */
  put(object: JsonObject): JsonObject {
    const existing = this.#objects.get(objectKey(object));
    const stored = clone({
      ...object,
      metadata: {
        ...object.metadata,
        uid: object.metadata?.uid ?? existing?.metadata?.uid ?? `uid-${++this.#uid}`,
        resourceVersion: String(++this.#version),
        creationTimestamp: existing?.metadata?.creationTimestamp ?? new Date().toISOString(),
      },
    });
    this.#objects.set(objectKey(stored), stored);
    return clone(stored);
  }

  /** Removes an object as if someone else had deleted it. */
  remove(object: JsonObject): void {
    this.#objects.delete(objectKey(object));
  }

  /** The writes since the last call, and forgets them. */
  takeWrites(): FakeWrite[] {
    return this.writes.splice(0);
  }

  cached(kind: KindRef, namespace: string, name: string): JsonObject | undefined {
    const object = this.#objects.get(keyOf(kind, namespace, name));
    return object && clone(object);
  }

  cachedList(kind: KindRef, namespace?: string): JsonObject[] {
    return [...this.#objects.values()]
      .filter((object) => kindKey({ apiVersion: object.apiVersion!, kind: object.kind! }) === kindKey(kind))
      .filter((object) => namespace === undefined || object.metadata?.namespace === namespace)
      .map(clone);
  }

  get(kind: Kind, namespace: string, name: string): Promise<JsonObject> {
    const object = this.cached(kind, namespace, name);
    return object ? Promise.resolve(object) : Promise.reject(notFound(keyOf(kind, namespace, name)));
  }

  list(kind: Kind, namespace: string, labelSelector?: string): Promise<JsonObject[]> {
    return Promise.resolve(this.cachedList(kind, namespace).filter((object) => selects(labelSelector, object)));
  }

  apply(object: JsonObject): Promise<JsonObject> {
    this.writes.push({ verb: 'apply', object: objectKey(object) });
    const existing = this.#objects.get(objectKey(object));
    // Applied fields replace what was there; the status is a subresource apply never touches.
    const desired: JsonObject = { ...object };
    delete desired.status;
    if (existing?.status !== undefined) desired.status = existing.status;
    return Promise.resolve(this.put(desired));
  }

  create(object: JsonObject): Promise<JsonObject> {
    const key = objectKey(object);
    if (this.#objects.has(key)) {
      return Promise.reject(new KubeApiError('POST', key, 409, 'AlreadyExists', `${key} already exists`));
    }
    this.writes.push({ verb: 'create', object: key });
    return Promise.resolve(this.put(object));
  }

  mergePatch(object: JsonObject, patch: unknown): Promise<JsonObject> {
    const key = objectKey(object);
    const existing = this.#objects.get(key);
    if (!existing) return Promise.reject(notFound(key));
    this.writes.push({ verb: 'patch', object: key });
    return Promise.resolve(this.put(mergePatch(existing, patch) as JsonObject));
  }

  delete(object: JsonObject): Promise<void> {
    const key = objectKey(object);
    if (!this.#objects.has(key)) return Promise.reject(notFound(key));
    this.writes.push({ verb: 'delete', object: key });
    this.#objects.delete(key);
    return Promise.resolve();
  }

  applyStatus(kind: Kind, object: JsonObject): Promise<void> {
    const key = keyOf(kind, object.metadata?.namespace, object.metadata?.name);
    const existing = this.#objects.get(key);
    if (!existing) return Promise.reject(notFound(key));
    this.writes.push({ verb: 'status', object: key });
    this.put({ ...existing, status: object.status });
    return Promise.resolve();
  }

  record(regarding: JsonObject, type: EventType, reason: string, message: string): Promise<void> {
    this.events.push({ regarding: objectKey(regarding), type, reason, message });
    return Promise.resolve();
  }
}
