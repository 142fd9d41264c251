/**
 * A cache of one kind kept by list and watch, that survives the watch's failure modes:
 * - a refused or broken watch is started again, with backoff; one that had stayed connected a
 *   while starts the backoff over;
 * - a watch the apiserver ends is started again at once from the last resourceVersion seen (one
 *   that ended within a second, empty, counts as a failure), and 410 Gone (that version is too
 *   old) lists again first;
 * - a watch can go silent without an error: it is restarted periodically;
 * - a list after a restart replays every object that changed and deletes those gone: handlers
 *   must be idempotent (ours only enqueue keys).
 * It is client-node's informer's contract, without client-node (see watch-stream.ts).
 */
import { backoffMs, type Backoff } from '../../src/retry/backoff.ts';
import type { ClusterAccess } from './cluster-access.ts';
import { isApiError, type JsonList } from './kube-api.ts';
import { watchStream, type WatchEventType, type WatchStream } from './watch-stream.ts';

/** What the cache reads of an object: where it is and which version of it it is. */
export interface WatchedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

export interface ResilientInformerOptions<T extends WatchedObject> {
  /** Watch path, e.g. `/apis/rappelconso.io/v1alpha1/recallpipelines`. */
  path: string;
  /** Lists the objects; it must apply the label selector it is given, as the watch does. */
  list: (labelSelector: string | undefined) => Promise<JsonList<T>>;
  labelSelector?: string;
  /** Called for adds and updates; after a restart's list, again for every object that changed meanwhile. */
  onUpsert: (object: T) => void;
  onDelete: (object: T) => void;
  onError?: (error: unknown, restartInMs: number) => void;
  /** Restart the list+watch this often even without an error. */
  relistPeriodMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** A watch that stayed connected this long had recovered: its next failure starts the backoff over. */
const HEALTHY_WATCH_MS = 10_000;
/** A watch ended by the apiserver sooner than this without an event is a failure, not a timeout. */
const SHORT_WATCH_MS = 1000;

export class ResilientInformer<T extends WatchedObject> {
  readonly #access: ClusterAccess;
  readonly #options: Required<Omit<ResilientInformerOptions<T>, 'labelSelector' | 'onError'>> &
    Pick<ResilientInformerOptions<T>, 'labelSelector' | 'onError'>;
  readonly #backoff: Backoff;
  /** By namespace ('' for cluster-scoped objects), then by name. */
  #objects = new Map<string, Map<string, T>>();
  /** Where the next watch starts; empty: list first. */
  #resourceVersion = '';
  #watch: WatchStream | undefined;
  /** Restarts since the watch was last healthy: what the next restart's delay grows with. */
  #failures = 0;
  /** When the current watch connected; undefined while none is connected. */
  #connectedAt: number | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #relistTimer: NodeJS.Timeout | undefined;
  #stopped = true;
  /** Bumped by every start, restart and stop: a list answered for an earlier one is dropped. */
  #epoch = 0;

  constructor(access: ClusterAccess, options: ResilientInformerOptions<T>) {
    this.#access = access;
    this.#options = { relistPeriodMs: 5 * 60_000, initialBackoffMs: 500, maxBackoffMs: 30_000, ...options };
    this.#backoff = { initialMs: this.#options.initialBackoffMs, maxMs: this.#options.maxBackoffMs };
  }

  /** The cached objects (of one namespace when it is given). */
  list(namespace?: string): readonly T[] {
    if (namespace !== undefined) return [...(this.#objects.get(namespace)?.values() ?? [])];
    return [...this.#objects.values()].flatMap((objects) => [...objects.values()]);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#objects.get(namespace ?? '')?.get(name);
  }

  /** Resolves once the first list is cached and the watch is asked for, or a restart is scheduled. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#scheduleRelist();
    await this.#listAndWatch();
  }

  stop(): Promise<void> {
    this.#stopped = true;
    this.#epoch += 1;
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#relistTimer);
    this.#closeWatch();
    return Promise.resolve();
  }

  async #listAndWatch(): Promise<void> {
    this.#closeWatch();
    const epoch = ++this.#epoch;
    try {
      if (this.#resourceVersion === '') {
        const list = await this.#options.list(this.#options.labelSelector);
        if (epoch !== this.#epoch) return;
        this.#replaceAll(list.items);
        this.#resourceVersion = list.metadata?.resourceVersion ?? '';
      }
    } catch (error) {
      if (epoch === this.#epoch) this.#scheduleRestart(error);
      return;
    }
    let events = 0;
    this.#watch = watchStream(
      this.#access,
      this.#options.path,
      { resourceVersion: this.#resourceVersion, labelSelector: this.#options.labelSelector },
      {
        onConnect: () => {
          // A connect alone does not end the backoff: a watch of a kind the cluster does not serve
          // (Strimzi's, without Strimzi) may connect, then fail at once, and would retry every 500 ms.
          this.#connectedAt = Date.now();
        },
        onEvent: (type, object) => {
          events += 1;
          this.#apply(type, object as unknown as T);
        },
        onEnd: (error) => {
          this.#watch = undefined;
          if (this.#stopped) return;
          const lastedMs = Date.now() - (this.#connectedAt ?? Date.now());
          if (error === undefined && events === 0 && lastedMs < SHORT_WATCH_MS) {
            // The apiserver ends a watch after minutes; one ended at once, empty, is a fault (a
            // proxy's), and watching again at once would loop as fast as it answers.
            this.#scheduleRestart(new Error(`${this.#options.path}: the watch ended after ${lastedMs} ms, empty`));
          } else if (error === undefined) {
            void this.#listAndWatch();
          } else if (isApiError(error, 410)) {
            this.#resourceVersion = '';
            void this.#listAndWatch();
          } else {
            this.#scheduleRestart(error);
          }
        },
      },
    );
  }

  #apply(type: WatchEventType, object: T): void {
    this.#resourceVersion = object.metadata?.resourceVersion ?? this.#resourceVersion;
    if (type === 'ADDED' || type === 'MODIFIED') this.#upsert(object);
    else if (type === 'DELETED') this.#remove(object);
  }

  /** A list's answer: every object changed or new is upserted, every object not in it deleted. */
  #replaceAll(items: readonly T[]): void {
    const listed = new Set(items.map((object) => keyOf(object)));
    for (const [namespace, objects] of this.#objects) {
      for (const [name, object] of objects) if (!listed.has(`${namespace}/${name}`)) this.#remove(object);
    }
    for (const object of items) this.#upsert(object);
  }

  #upsert(object: T): void {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    let objects = this.#objects.get(namespace);
    if (!objects) this.#objects.set(namespace, (objects = new Map<string, T>()));
    const cached = objects.get(name);
    const version = object.metadata?.resourceVersion;
    if (cached && version !== undefined && cached.metadata?.resourceVersion === version) return;
    objects.set(name, object);
    this.#options.onUpsert(object);
  }

  #remove(object: T): void {
    const namespace = object.metadata?.namespace ?? '';
    const objects = this.#objects.get(namespace);
    if (!objects?.delete(object.metadata?.name ?? '')) return;
    if (objects.size === 0) this.#objects.delete(namespace);
    this.#options.onDelete(object);
  }

  #closeWatch(): void {
    this.#watch?.close();
    this.#watch = undefined;
    this.#connectedAt = undefined;
  }

  #scheduleRestart(error: unknown): void {
    if (this.#stopped) return;
    clearTimeout(this.#restartTimer);
    if (this.#connectedAt !== undefined && Date.now() - this.#connectedAt >= HEALTHY_WATCH_MS) this.#failures = 0;
    this.#connectedAt = undefined;
    const delay = backoffMs(this.#backoff, this.#failures);
    this.#failures += 1;
    this.#options.onError?.(error, delay);
    this.#restartTimer = setTimeout(() => void this.#restart(), delay);
    this.#restartTimer.unref();
  }

  async #restart(): Promise<void> {
    if (this.#stopped) return;
    await this.#listAndWatch();
  }

  #scheduleRelist(): void {
    clearTimeout(this.#relistTimer);
    this.#relistTimer = setTimeout(() => {
      void this.#restart().finally(() => {
        if (!this.#stopped) this.#scheduleRelist();
      });
    }, this.#options.relistPeriodMs);
    this.#relistTimer.unref();
  }
}

function keyOf(object: WatchedObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
