/**
 * A RecallPipeline's status as the apiserver announces it, so that a benchmark learns when it
 * first showed something within milliseconds instead of within one poll: a watch, and waiters
 * whose predicate is evaluated on every version of the object.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import { API_GROUP_VERSION, PLURAL } from '../contract/recall-pipeline/group.ts';
import type { RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import { kubeconfig } from '../test/e2e/kind-fixture.ts';

interface Waiter {
  readonly what: string;
  readonly check: (status: RecallPipelineStatus) => unknown;
  readonly resolve: (seen: Seen<unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface Seen<T> {
  /** Date.now() when the watch delivered the version that first satisfied the predicate. */
  readonly at: number;
  readonly value: T;
}

export class PipelineStatusWatch {
  readonly #namespace: string;
  readonly #name: string;
  readonly #watch: k8s.Watch;
  readonly #waiters = new Set<Waiter>();
  #latest: RecallPipelineStatus = {};
  #abort: AbortController | undefined;
  #stopped = false;

  private constructor(namespace: string, name: string) {
    this.#namespace = namespace;
    this.#name = name;
    const config = new k8s.KubeConfig();
    config.loadFromFile(kubeconfig());
    this.#watch = new k8s.Watch(config);
  }

  /** Starts watching; the pipeline need not exist yet. */
  static async start(namespace: string, name: string): Promise<PipelineStatusWatch> {
    const watch = new PipelineStatusWatch(namespace, name);
    await watch.#connect();
    return watch;
  }

  get latest(): RecallPipelineStatus {
    return this.#latest;
  }

  /**
   * Resolves once the status satisfies `check` (a value other than undefined or false), with that
   * value and when it was seen; checked against the latest status at once, then on every change.
   */
  when<T>(
    what: string,
    check: (status: RecallPipelineStatus) => T | undefined | false,
    timeoutMs: number,
  ): Promise<Seen<T>> {
    const promise = new Promise<Seen<T>>((resolve, reject) => {
      const waiter: Waiter = {
        what,
        check,
        resolve: resolve as (seen: Seen<unknown>) => void,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(
            new Error(`timed out after ${timeoutMs} ms waiting for ${what}; status: ${JSON.stringify(this.#latest)}`),
          );
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
      this.#offer(waiter, Date.now());
    });
    // A caller awaiting another wait first must not crash the process when this one fails meanwhile.
    promise.catch(() => undefined);
    return promise;
  }

  stop(): void {
    this.#stopped = true;
    this.#abort?.abort();
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`stopped before ${waiter.what}`));
    }
    this.#waiters.clear();
  }

  async #connect(): Promise<void> {
    this.#abort = await this.#watch.watch(
      `/apis/${API_GROUP_VERSION}/namespaces/${this.#namespace}/${PLURAL}`,
      { fieldSelector: `metadata.name=${this.#name}` },
      (_type: string, object: { status?: RecallPipelineStatus }) => {
        const at = Date.now();
        this.#latest = object.status ?? {};
        for (const waiter of this.#waiters) this.#offer(waiter, at);
      },
      // The apiserver ends a watch after a while; a new one starts with the object's current state.
      () => {
        if (!this.#stopped) void this.#reconnect();
      },
    );
  }

  async #reconnect(): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.#connect();
        return;
      } catch {
        await sleep(1000);
      }
    }
  }

  #offer(waiter: Waiter, at: number): void {
    const value = waiter.check(this.#latest);
    if (value === undefined || value === false) return;
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
    waiter.resolve({ at, value });
  }
}
