/**
 * Leader election on a coordination.k8s.io/v1 Lease, so that of several operator replicas exactly
 * one reconciles.
 *
 * Like Kubernetes' own controllers, a candidate judges a lease expired by its own clock: it notes
 * when it last saw the lease change and waits a full lease duration from then, so clock skew
 * between replicas does not matter. Every write carries the resourceVersion it read, so two
 * candidates can never both win.
 */
import { isApiError, type KubeApi } from './kube-api.ts';
import { collectionPath, objectPath } from './kinds.ts';

const LEASES = { apiVersion: 'coordination.k8s.io/v1', plural: 'leases' } as const;

export interface LeaderElectionOptions {
  namespace: string;
  /** The Lease's name; every replica of one operator uses the same. */
  leaseName: string;
  /** This replica's identity (pod name and a random suffix). */
  identity: string;
  /** How long a lease holds without renewal. */
  leaseDurationMs: number;
  /** A leader that cannot renew for this long steps down (shorter than the lease duration). */
  renewDeadlineMs: number;
  /** How often candidates try and the leader renews. */
  retryPeriodMs: number;
}

export interface LeadershipCallbacks {
  onStartedLeading: () => void;
  /** Leadership was lost or released: the caller must stop reconciling at once. */
  onStoppedLeading: () => void;
  onError?: (error: unknown) => void;
}

export function defaultElectionTimings(): Pick<
  LeaderElectionOptions,
  'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'
> {
  return { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
}

/** The fields of a coordination.k8s.io/v1 Lease that election reads and writes. */
interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** A metav1.MicroTime: RFC 3339 with exactly six fractional digits, as the apiserver parses it. */
function microTimeNow(): string {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  readonly #api: KubeApi;
  readonly #options: LeaderElectionOptions;
  readonly #callbacks: LeadershipCallbacks;
  #leading = false;
  #lastRenewal = 0;
  #observed: { holder: string; renewTime: string; at: number } | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The attempt in flight, if any: a release waits for it, or a renewal landing after would undo it. */
  #attempt: Promise<void> | undefined;
  #stopped = false;

  constructor(api: KubeApi, options: LeaderElectionOptions, callbacks: LeadershipCallbacks) {
    this.#api = api;
    this.#options = options;
    this.#callbacks = callbacks;
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  start(): void {
    this.#attempt = this.#tick();
  }

  /** Stops campaigning; a leader hands the lease back so another replica takes over at once. */
  async release(): Promise<void> {
    this.#stop();
    await this.#attempt;
    if (!this.#leading) return;
    this.#setLeading(false);
    try {
      const lease = await this.#read();
      if (lease?.spec?.holderIdentity !== this.#options.identity) return;
      lease.spec.holderIdentity = undefined;
      lease.spec.leaseDurationSeconds = 1;
      await this.#api.replace(this.#leasePath(), lease);
    } catch (error) {
      this.#callbacks.onError?.(error);
    }
  }

  /** Stops campaigning without handing the lease back, as a crashed process would. */
  abandon(): void {
    this.#stop();
    this.#leading = false;
  }

  #stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    let acquired = false;
    try {
      acquired = await this.#tryAcquireOrRenew();
    } catch (error) {
      this.#callbacks.onError?.(error);
    }
    if (this.#stopped) return;
    const now = Date.now();
    if (acquired) {
      this.#lastRenewal = now;
      this.#setLeading(true);
    } else if (this.#leading && now - this.#lastRenewal > this.#options.renewDeadlineMs) {
      this.#setLeading(false);
    }
    this.#timer = setTimeout(() => {
      this.#attempt = this.#tick();
    }, this.#options.retryPeriodMs);
  }

  #setLeading(leading: boolean): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    if (leading) this.#callbacks.onStartedLeading();
    else this.#callbacks.onStoppedLeading();
  }

  #leasesPath(): string {
    return collectionPath(LEASES, this.#options.namespace);
  }

  #leasePath(): string {
    return objectPath(LEASES, this.#options.namespace, this.#options.leaseName);
  }

  async #read(): Promise<Lease | undefined> {
    try {
      return await this.#api.get<Lease>(this.#leasePath());
    } catch (error) {
      if (isApiError(error, 404)) return undefined;
      throw error;
    }
  }

  /** One attempt; true when this replica holds the lease afterwards. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const { identity, leaseName, namespace } = this.#options;
    const now = microTimeNow();
    const lease = await this.#read();
    const leaseDurationSeconds = Math.ceil(this.#options.leaseDurationMs / 1000);

    if (!lease) {
      try {
        await this.#api.createIn<Lease>(this.#leasesPath(), {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: leaseName, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          },
        });
        return true;
      } catch (error) {
        if (isApiError(error, 409)) return false; // another candidate created it first
        throw error;
      }
    }

    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewTime = spec.renewTime ?? '';
    if (this.#observed?.holder !== holder || this.#observed.renewTime !== renewTime) {
      this.#observed = { holder, renewTime, at: Date.now() };
    }
    const heldByOther = holder !== '' && holder !== identity;
    const durationMs = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    if (heldByOther && this.#observed.at + durationMs > Date.now()) return false;

    const takingOver = holder !== identity;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds,
      renewTime: now,
      ...(takingOver && {
        acquireTime: now,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === '' ? 0 : 1),
      }),
    };
    try {
      await this.#api.replace(this.#leasePath(), lease);
      return true;
    } catch (error) {
      if (isApiError(error, 409)) return false; // someone else wrote it since we read it
      throw error;
    }
  }
}
