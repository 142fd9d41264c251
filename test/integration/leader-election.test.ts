import { randomUUID } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClusterAccess, type ClusterAccess } from '../../operator/runtime/cluster-access.ts';
import { KubeApi } from '../../operator/runtime/kube-api.ts';
import { LeaderElector } from '../../operator/runtime/leader-election.ts';
import { connectionFor } from '../infra/connection.ts';
import { until } from '../until.ts';

const timings = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200 };

/** Polled often: the tests time the hand-over against the lease's duration. */
const within = (timeoutMs: number) => ({ timeoutMs, intervalMs: 50 });

describe('leader election on a real Lease', () => {
  let config: k8s.KubeConfig;
  let access: ClusterAccess;
  const namespace = `lease-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    config = new k8s.KubeConfig();
    const { KUBECONFIG } = await connectionFor('kubernetes');
    config.loadFromFile(KUBECONFIG!);
    access = await loadClusterAccess(KUBECONFIG);
    await config.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await config.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace });
  });

  /** A candidate, and what it did: `attempts` counts its reads of the Lease, one per try. */
  function candidate(identity: string, leaseName: string) {
    const state = { leading: false, transitions: 0, attempts: 0 };
    const elector = new LeaderElector(
      new KubeApi(access, {
        onRequest: (verb) => {
          if (verb === 'get') state.attempts += 1;
        },
      }),
      { namespace, leaseName, identity, ...timings },
      {
        onStartedLeading: () => {
          state.leading = true;
          state.transitions += 1;
        },
        onStoppedLeading: () => {
          state.leading = false;
        },
      },
    );
    /** Once try number n + 1 has begun, try n has ended, its outcome applied. */
    const triedMore = (tries: number) => {
      const target = state.attempts + tries + 1;
      return () => state.attempts >= target;
    };
    return { elector, state, triedMore };
  }

  it('elects exactly one of two candidates, and the other takes over when the leader dies', async () => {
    const a = candidate('replica-a', 'crash');
    const b = candidate('replica-b', 'crash');
    a.elector.start();
    b.elector.start();
    await until(() => a.state.leading || b.state.leading, 'a leader', within(5000));
    // Several renewals and as many tries of the other, and still only ever one leader.
    const [aTried, bTried] = [a.triedMore(4), b.triedMore(4)];
    await until(() => aTried() && bTried(), 'four more tries of each candidate', within(5000));
    expect(a.state.transitions + b.state.transitions).toBe(1);
    expect([a.state.leading, b.state.leading].filter(Boolean)).toHaveLength(1);

    const [leader, follower] = a.state.leading ? [a, b] : [b, a];
    const killedAt = Date.now();
    leader.elector.abandon(); // like SIGKILL: the lease is not handed back
    await until(() => follower.state.leading, 'the follower to take over', within(10_000));
    // The follower waited for the lease to expire by its own clock.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(timings.leaseDurationMs - timings.retryPeriodMs * 2);

    const lease = await config.makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ name: 'crash', namespace });
    expect(lease.spec?.holderIdentity).toBe(follower === a ? 'replica-a' : 'replica-b');
    expect(lease.spec?.leaseTransitions).toBe(1);
    await follower.elector.release();
  });

  it('hands the lease over at once on a graceful release', async () => {
    const a = candidate('replica-a', 'graceful');
    a.elector.start();
    await until(() => a.state.leading, 'the first candidate to lead', within(5000));
    const b = candidate('replica-b', 'graceful');
    const bTried = b.triedMore(2);
    b.elector.start();
    await until(bTried, 'two tries of the second candidate', within(5000));
    expect(b.state.transitions).toBe(0);

    await a.elector.release();
    expect(a.state.leading).toBe(false);
    const releasedAt = Date.now();
    await until(() => b.state.leading, 'the second candidate to take over', within(5000));
    expect(Date.now() - releasedAt).toBeLessThan(timings.leaseDurationMs + 1000);
    await b.elector.release();
  });
});
