/**
 * Faults on real pods, during a real run: the broker's pod deleted between the producer and the
 * consumer (its data on a PersistentVolume), PostgreSQL's pod deleted while the consumer loads, the
 * operator's pod deleted during the run. The run recovers (the Jobs' retries, the StatefulSets'
 * restarts, the operator's new leader) and the table is exact. Then the pipeline is deleted and
 * created again under the same name: it finds its retained table.
 *
 * A pipeline of its own, without Airflow (its runs are the Jobs'), beside its own broker and API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { OPERATOR_NAMESPACE, operatorLeader } from '../infra/cluster/kind-cluster.ts';
import { envContext } from '../infra/context.ts';
import { deployPipelineSources, externalModePipeline } from './external-mode-pipeline.ts';
import { KAFKA_BROKER_NAME } from './kafka-broker.ts';
import { apply, createNamespace, eventually, kubectl, kubectlJson, requireCluster } from './kind-fixture.ts';
import { tableCount, tableRows } from './pipeline-database.ts';
import { scenarioData } from './scenario-data.ts';

const PIPELINE = 'faults';

interface Status {
  totalRecordsLoaded?: number;
  lastRun?: { number: number; completionTime?: string; succeeded?: boolean };
}

interface Job {
  status?: { succeeded?: number; active?: number; failed?: number };
}

interface PodList {
  items: { metadata: { name: string; uid: string }; status: { phase: string } }[];
}

describe('faults on real pods during a run', () => {
  let namespace: Awaited<ReturnType<typeof createNamespace>>;
  let pipeline: object;

  beforeAll(async () => {
    requireCluster();
    namespace = await createNamespace('faults');
    const ns = namespace.name;
    const sources = await deployPipelineSources(ns, scenarioData.dataFile);
    pipeline = externalModePipeline(ns, PIPELINE, sources, { airflow: { enabled: false } });
  });

  afterAll(async () => {
    await namespace?.remove();
  });

  const job = (name: string) => kubectlJson<Job>('get', 'job', name, '-n', namespace.name).catch(() => undefined);
  const status = async () =>
    (await kubectlJson<{ status?: Status }>('get', 'rp', PIPELINE, '-n', namespace.name)).status ?? {};

  it('loses nothing when the broker, PostgreSQL and the operator are deleted mid-run: the table is exact', async () => {
    const ns = namespace.name;
    await apply([pipeline]);

    // Between produce and consume: the broker goes as soon as the producer's Job has succeeded.
    await eventually(
      'the producer to succeed',
      async () => (await job(`${PIPELINE}-produce-1`))?.status?.succeeded,
      900_000,
    );
    await kubectl('delete', 'pod', `${KAFKA_BROKER_NAME}-0`, '-n', ns, '--wait=false');

    // While the consumer loads: PostgreSQL's pod, then the operator's leader.
    await eventually(
      'the consumer to run',
      async () => {
        const pods = await kubectlJson<PodList>(
          'get',
          'pods',
          '-n',
          ns,
          '-l',
          `batch.kubernetes.io/job-name=${PIPELINE}-consume-1`,
        );
        return pods.items.some((pod) => pod.status.phase === 'Running');
      },
      600_000,
    );
    await kubectl('delete', 'pod', `${PIPELINE}-postgres-0`, '-n', ns, '--wait=false');
    const leader = await eventually('the operator leader', () => operatorLeader(envContext()));
    await kubectl('delete', 'pod', leader, '-n', OPERATOR_NAMESPACE, '--wait=false');

    const ended = await eventually(
      'the run to end',
      async () => {
        const current = await status();
        return current.lastRun?.completionTime ? current : undefined;
      },
      900_000,
    );
    expect(ended.lastRun).toMatchObject({ number: 1, succeeded: true });
    expect(ended.totalRecordsLoaded).toBe(scenarioData.expectedTableRows);
    // Nothing lost, nothing duplicated: every reference's row, exactly.
    await kubectl('rollout', 'status', `statefulset/${PIPELINE}-postgres`, '-n', ns, '--timeout=300s');
    expect(scenarioData.differencesFrom(await tableRows(ns, PIPELINE))).toEqual([]);
  });

  it('deleted, leaves only its retained data; created again under the same name, finds its table', async () => {
    const ns = namespace.name;
    await kubectl('delete', 'rp', PIPELINE, '-n', ns, '--wait=true', '--timeout=300s');
    await eventually(
      'the garbage collector to delete the pipeline’s objects',
      async () => {
        const left = await kubectl(
          'get',
          'statefulsets,services,configmaps,jobs,networkpolicies',
          '-n',
          ns,
          '-l',
          `app.kubernetes.io/instance=${PIPELINE}`,
          '-o',
          'name',
        );
        return left.trim() === '';
      },
      300_000,
    );
    // The data outlives the pipeline: its volume claim and the Secret that unlocks it.
    const claims = await kubectl('get', 'pvc', '-n', ns, '-o', 'name');
    expect(claims).toContain(`${PIPELINE}-postgres`);
    await kubectl('get', 'secret', `${PIPELINE}-postgres`, '-n', ns);

    await apply([pipeline]);
    await kubectl('wait', '--for=condition=Ready', `rp/${PIPELINE}`, '-n', ns, '--timeout=600s');
    expect(await tableCount(ns, PIPELINE)).toBe(scenarioData.expectedTableRows);
  });
});
