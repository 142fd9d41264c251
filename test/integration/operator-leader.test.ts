/**
 * Two `recall operator` processes against the real control plane, scoped to this test's namespace
 * (and their Lease in it): exactly one leads, reconciles and exports per-pipeline series, the other
 * makes no write and exports none; when the leader is SIGKILLed the other takes the Lease once it
 * expires and reconciles; SIGTERM stops a leader gracefully, handing the Lease back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionFor } from '../infra/connection.ts';
import { freePort } from '../infra/process.ts';
import { installCrd, loadConfig, PipelineClient, until } from './operator-fixture.ts';

interface Replica {
  process: ChildProcess;
  port: number;
  stderr: string[];
}

interface ReplicaMetrics {
  leader: number;
  writes: number;
  reconciles: number;
  /** RecallPipeline events its caches saw. */
  pipelineEvents: number;
  /** The pipelines it exports per-pipeline series of. */
  pipelines: string[];
}

async function metricsOf(replica: Replica): Promise<ReplicaMetrics | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${replica.port}/metrics`)).text();
    const leader = Number(/^recall_operator_leader (\S+)$/m.exec(text)?.[1] ?? 0);
    const writes = [...text.matchAll(/^recall_operator_api_writes_total\{[^}]*\} (\S+)$/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    const pipelineEvents = Number(
      /^recall_operator_watch_events_total\{kind="RecallPipeline"\} (\S+)$/m.exec(text)?.[1] ?? 0,
    );
    const reconciles = [...text.matchAll(/^recall_operator_reconciles_total\{[^}]*\} (\S+)$/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    const pipelines = [...text.matchAll(/^recall_pipeline_ready\{[^}]*pipeline="([^"]+)"[^}]*\} \S+$/gm)]
      .map((match) => match[1]!)
      .sort();
    return { leader, writes, reconciles, pipelineEvents, pipelines };
  } catch {
    return undefined;
  }
}

describe('operator: two replicas with leader election', () => {
  const namespace = `op-leader-${randomUUID().slice(0, 8)}`;
  let kubeconfig: string;
  let client: PipelineClient;
  let config: k8s.KubeConfig;
  const replicas: Replica[] = [];

  async function startReplica(): Promise<Replica> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=TimeoutNegativeWarning',
        'bin/recall.ts',
        'operator',
        ...['--kubeconfig', kubeconfig, '--namespace', namespace, '--lease-namespace', namespace],
        ...['--metrics-port', String(port), '--lease-duration', '3', '--renew-deadline', '2', '--retry-period', '0.5'],
      ],
      { env: { ...process.env, RECALL_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const replica: Replica = { process: child, port, stderr: [] };
    child.stderr.on('data', (chunk: Buffer) => replica.stderr.push(chunk.toString()));
    replicas.push(replica);
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok,
      'readyz',
      30_000,
    );
    return replica;
  }

  beforeAll(async () => {
    kubeconfig = (await connectionFor('kubernetes')).KUBECONFIG!;
    await connectionFor('strimzi');
    config = loadConfig(kubeconfig);
    await installCrd(config);
    client = new PipelineClient(config, namespace);
    await client.createNamespace();
  });

  afterAll(async () => {
    for (const replica of replicas) if (replica.process.exitCode === null) replica.process.kill('SIGKILL');
    await client?.deleteNamespace();
  });

  it('lets one replica lead; the other takes over when the leader is killed; SIGTERM releases the Lease', async () => {
    const [a, b] = [await startReplica(), await startReplica()];
    const leaders = async () => (await Promise.all([a, b].map(metricsOf))).map((m) => m?.leader ?? 0);
    await until(async () => (await leaders()).filter((flag) => flag === 1).length === 1, 'exactly one leader', 20_000);
    const [leader, standby] = (await leaders())[0] === 1 ? [a, b] : [b, a];

    await client.create('led');
    await until(async () => (await client.get('led')).status?.observedGeneration === 1, 'the leader to reconcile');
    expect((await metricsOf(leader))!.writes).toBeGreaterThan(0);
    await until(async () => (await metricsOf(leader))?.pipelines.includes('led'), 'the leader to export its series');
    // The standby watches too: once it has seen the pipeline created and its status written, it has
    // had every chance to act, and it reconciled nothing, wrote nothing, and exports no series.
    await until(
      async () => ((await metricsOf(standby))?.pipelineEvents ?? 0) >= 2,
      'the standby to see the pipeline and the status the leader wrote',
    );
    expect(await metricsOf(standby)).toMatchObject({ leader: 0, writes: 0, reconciles: 0, pipelines: [] });

    leader.process.kill('SIGKILL');
    await until(async () => (await metricsOf(standby))?.leader === 1, 'the standby to take over', 20_000);
    await client.core.deleteNamespacedConfigMap({ name: 'led-airflow-dags', namespace });
    await client.create('after-takeover');
    await until(
      () => client.core.readNamespacedConfigMap({ name: 'led-airflow-dags', namespace }).then(() => true),
      'the new leader to restore the ConfigMap',
    );
    await until(
      async () => (await client.get('after-takeover')).status?.observedGeneration === 1,
      'the new leader to reconcile a new pipeline',
    );
    await until(
      async () => (await metricsOf(standby))?.pipelines.join() === 'after-takeover,led',
      'the new leader to export the series of both pipelines',
    );

    const exited = once(standby.process, 'exit');
    standby.process.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code, standby.stderr.join('')).toBe(0);
    const lease = await config
      .makeApiClient(k8s.CoordinationV1Api)
      .readNamespacedLease({ name: 'recall-pipeline-operator', namespace });
    expect(lease.spec?.holderIdentity ?? '').toBe('');
    expect(standby.stderr.join('')).toContain('operator stopped');
  });
});
