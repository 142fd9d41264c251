/**
 * A client-node informer that survives its known failure modes:
 * - it stops for good on any error other than 410 Gone: restart it, with backoff;
 * - a watch can go silent without an error: relist periodically;
 * - events replay after every restart: handlers must be idempotent (ours only enqueue keys).
 */
import type http from 'node:http';
import type * as k8s from '@kubernetes/client-node';
// The informer alone: the package's index would load every generated API client as well (see cluster-access.ts).
import { makeInformer } from '@kubernetes/client-node/dist/informer.js';
import { backoffMs, type Backoff } from '../../src/retry/backoff.ts';
import type { ClusterAccess } from './cluster-access.ts';
import { connectionPool } from './kube-api.ts';

export interface ResilientInformerOptions<T extends k8s.KubernetesObject> {
  /** Watch path, e.g. `/apis/rappelconso.io/v1alpha1/recallpipelines`. */
  path: string;
  /** Lists the objects; it must apply the label selector it is given, as the watch does. */
  list: (labelSelector: string | undefined) => ReturnType<k8s.ListPromise<T>>;
  labelSelector?: string;
  /** Called for adds and updates, and again for every object after a restart or relist. */
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

export class ResilientInformer<T extends k8s.KubernetesObject> {
  readonly #informer: k8s.Informer<T> & k8s.ObjectCache<T>;
  readonly #options: Required<Omit<ResilientInformerOptions<T>, 'labelSelector' | 'onError'>> &
    Pick<ResilientInformerOptions<T>, 'onError'>;
  readonly #backoff: Backoff;
  /** Restarts since the watch was last healthy: what the next restart's delay grows with. */
  #failures = 0;
  /** When the current watch connected; undefined while none is connected. */
  #connectedAt: number | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #relistTimer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(access: ClusterAccess, options: ResilientInformerOptions<T>) {
    this.#options = { relistPeriodMs: 5 * 60_000, initialBackoffMs: 500, maxBackoffMs: 30_000, ...options };
    this.#backoff = { initialMs: this.#options.initialBackoffMs, maxMs: this.#options.maxBackoffMs };
    this.#informer = makeInformer(
      watchConfig(access),
      options.path,
      () => options.list(options.labelSelector),
      options.labelSelector,
    );
    this.#informer.on('add', (object) => this.#options.onUpsert(object));
    this.#informer.on('update', (object) => this.#options.onUpsert(object));
    this.#informer.on('delete', (object) => this.#options.onDelete(object));
    // A connect alone does not end the backoff: a watch of a kind the cluster does not serve
    // (Strimzi's, without Strimzi) connects, then fails at once, and would retry every 500 ms.
    this.#informer.on('connect', () => {
      this.#connectedAt = Date.now();
    });
    this.#informer.on('error', (error) => this.#scheduleRestart(error));
  }

  /** The cached objects (namespace-scoped when a namespace is given). */
  list(namespace?: string): readonly T[] {
    return this.#informer.list(namespace);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#informer.get(name, namespace);
  }

  async start(): Promise<void> {
    this.#stopped = false;
    this.#scheduleRelist();
    try {
      await this.#informer.start();
    } catch (error) {
      this.#scheduleRestart(error);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#relistTimer);
    await this.#informer.stop();
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
    try {
      await this.#informer.stop();
      await this.#informer.start();
    } catch (error) {
      this.#scheduleRestart(error);
    }
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

/** One pool for every watch: each holds its connection open, so the pool is not capped. */
const watchPools = new WeakMap<ClusterAccess, http.Agent>();

/**
 * What client-node's Watch reads from a KubeConfig, which is all it reads: the server, and the
 * options of one request (connection pool and credentials), built from our ClusterAccess.
 */
function watchConfig(access: ClusterAccess): k8s.KubeConfig {
  let agent = watchPools.get(access);
  if (!agent) watchPools.set(access, (agent = connectionPool(access)));
  const config = {
    getCurrentCluster: () => ({ name: 'current', server: access.server, skipTLSVerify: false }),
    applyToFetchOptions: async () => ({ agent, headers: await access.authHeaders() }),
  } satisfies Pick<k8s.KubeConfig, 'getCurrentCluster' | 'applyToFetchOptions'>;
  return config as unknown as k8s.KubeConfig;
}
