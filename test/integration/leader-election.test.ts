import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClusterAccess } from '../../operator/cluster-access.ts';
import { KubeApi } from '../../operator/kube-api.ts';
import { LeaderElector } from '../../operator/leader-election.ts';
import { connectionFor } from '../infra/connection.ts';

const timings = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200 };

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('leader election on a real Lease', () => {
  let config: k8s.KubeConfig;
  let api: KubeApi;
  const namespace = `lease-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    config = new k8s.KubeConfig();
    const { KUBECONFIG } = await connectionFor('kubernetes');
    config.loadFromFile(KUBECONFIG!);
    api = new KubeApi(await loadClusterAccess(KUBECONFIG));
    await config.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await config.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace });
  });

  function candidate(identity: string, leaseName: string) {
    const state = { leading: false, transitions: 0 };
    const elector = new LeaderElector(
      api,
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
    return { elector, state };
  }

  it('elects exactly one of two candidates, and the other takes over when the leader dies', async () => {
    const a = candidate('replica-a', 'crash');
    const b = candidate('replica-b', 'crash');
    a.elector.start();
    b.elector.start();
    await until(() => a.state.leading || b.state.leading, 5000);
    await sleep(1000); // several renewals: still exactly one leader
    expect([a.state.leading, b.state.leading].filter(Boolean)).toHaveLength(1);

    const [leader, follower] = a.state.leading ? [a, b] : [b, a];
    const killedAt = Date.now();
    leader.elector.abandon(); // like SIGKILL: the lease is not handed back
    await until(() => follower.state.leading, 10_000);
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
    await until(() => a.state.leading, 5000);
    const b = candidate('replica-b', 'graceful');
    b.elector.start();
    await sleep(500);
    expect(b.state.leading).toBe(false);

    await a.elector.release();
    expect(a.state.leading).toBe(false);
    const releasedAt = Date.now();
    await until(() => b.state.leading, 5000);
    expect(Date.now() - releasedAt).toBeLessThan(timings.leaseDurationMs + 1000);
    await b.elector.release();
  });
});
