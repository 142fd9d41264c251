import { Registry } from 'prom-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildPipelineObjects } from '../charts/pipeline-chart.ts';
import { API_GROUP_VERSION, KIND, RUN_NOW_ANNOTATION } from '../contract/recall-pipeline/group.ts';
import { createLogger } from '../src/logging/logger.ts';
import { FakeCluster } from '../test/fake-cluster.ts';
import { keysToGenerate } from '../charts/generated-secret.ts';
import { RUN_LABEL } from '../charts/labels.ts';
import { MANAGED_BY_SELECTOR } from './pipeline-watches.ts';
import { PipelineMetrics } from './pipeline-metrics.ts';
import { Reconciler } from './reconciler.ts';
import type { JsonObject } from './runtime/kube-api.ts';

const NAMESPACE = 'recall';
const NAME = 'rappel-conso';
const KEY = `${NAMESPACE}/${NAME}`;

interface Setup {
  cluster: FakeCluster;
  reconciler: Reconciler;
  requeued: { key: string; delayMs: number }[];
}

function setup(): Setup {
  const cluster = new FakeCluster();
  const requeued: Setup['requeued'] = [];
  const reconciler = new Reconciler({
    cluster,
    topics: { ensure: () => Promise.resolve({ ready: true, message: 'topics exist' }) },
    log: createLogger('reconciler-test', 'silent'),
    chartOptions: {},
    requeueAfter: (key, delayMs) => requeued.push({ key, delayMs }),
    pipelineMetrics: new PipelineMetrics(new Registry()),
  });
  return { cluster, reconciler, requeued };
}

function putPipeline(cluster: FakeCluster, spec: Record<string, unknown> = {}, annotations = {}): JsonObject {
  return cluster.put({
    apiVersion: API_GROUP_VERSION,
    kind: KIND,
    metadata: { name: NAME, namespace: NAMESPACE, generation: 1, annotations },
    spec,
  });
}

function pipelineStatus(cluster: FakeCluster) {
  return cluster.cached({ apiVersion: API_GROUP_VERSION, kind: KIND }, NAMESPACE, NAME)?.status as
    { phase?: string; conditions?: { type: string; status: string; reason: string }[] } | undefined;
}

const readyCondition = (cluster: FakeCluster) => pipelineStatus(cluster)?.conditions?.find((c) => c.type === 'Ready');

describe('Reconciler, against a fake cluster', () => {
  let cluster: FakeCluster;
  let reconciler: Reconciler;

  beforeEach(() => {
    ({ cluster, reconciler } = setup());
  });

  it('does nothing for a pipeline that is gone', async () => {
    await reconciler.reconcile(KEY);
    expect(cluster.takeWrites()).toEqual([]);
    expect(cluster.events).toEqual([]);
  });

  it('applies every desired object, creates generated Secrets once, and reports Provisioning', async () => {
    const pipeline = putPipeline(cluster);
    await reconciler.reconcile(KEY);

    const desired = buildPipelineObjects(pipeline);
    const writes = cluster.takeWrites();
    const key = (object: JsonObject) =>
      `${object.apiVersion}/${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`;
    for (const object of desired) {
      const verb = keysToGenerate(object) ? 'create' : 'apply';
      expect(writes, key(object)).toContainEqual({ verb, object: key(object) });
    }
    expect(writes.filter((write) => write.verb === 'status')).toHaveLength(1);
    expect(pipelineStatus(cluster)?.phase).toBe('Provisioning');
    expect(readyCondition(cluster)?.status).toBe('False');
    expect(cluster.events.map((event) => event.reason)).toEqual(['Applied']);
  });

  it('writes nothing when nothing changed: no object, no status, no Event', async () => {
    putPipeline(cluster);
    await reconciler.reconcile(KEY);
    cluster.takeWrites();
    const events = cluster.events.length;

    await reconciler.reconcile(KEY);
    expect(cluster.takeWrites()).toEqual([]);
    expect(cluster.events).toHaveLength(events);
  });

  it('restores an object changed by hand, and only that one', async () => {
    putPipeline(cluster);
    await reconciler.reconcile(KEY);
    cluster.takeWrites();
    const configMap = cluster.cachedList({ apiVersion: 'v1', kind: 'ConfigMap' }, NAMESPACE)[0]!;
    cluster.put({ ...configMap, data: { edited: 'by hand' } });

    await reconciler.reconcile(KEY);
    expect(cluster.takeWrites()).toEqual([
      { verb: 'apply', object: `v1/ConfigMap/${NAMESPACE}/${configMap.metadata!.name}` },
    ]);
  });

  it('prunes an object it owned that is no longer desired, and leaves others alone', async () => {
    const pipeline = putPipeline(cluster);
    const [label, value] = MANAGED_BY_SELECTOR.split('=') as [string, string];
    const owned = (name: string, uid: string): JsonObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: NAMESPACE,
        labels: { [label]: value },
        annotations: { 'rappelconso.io/pipeline': NAME },
        ownerReferences: [{ kind: KIND, name: NAME, uid, controller: true }],
      },
      data: {},
    });
    cluster.put(owned('left-over', pipeline.metadata!.uid!));
    cluster.put(owned('someone-elses', 'another-uid'));

    await reconciler.reconcile(KEY);
    const deletes = cluster.takeWrites().filter((write) => write.verb === 'delete');
    expect(deletes).toEqual([{ verb: 'delete', object: `v1/ConfigMap/${NAMESPACE}/left-over` }]);
    expect(cluster.events.map((event) => event.reason)).toContain('Pruned');
  });

  it('rejects an invalid spec in the status and one Event, applies nothing, and does not repeat itself', async () => {
    putPipeline(cluster, { postgres: { table: 'not a table!' } });
    await reconciler.reconcile(KEY);

    expect(cluster.takeWrites().map((write) => write.verb)).toEqual(['status']);
    expect(pipelineStatus(cluster)?.phase).toBe('Failed');
    expect(readyCondition(cluster)).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(cluster.events.map(({ type, reason }) => ({ type, reason }))).toEqual([
      { type: 'Warning', reason: 'InvalidSpec' },
    ]);
    expect(cluster.events[0]!.message).toContain('table');

    await reconciler.reconcile(KEY);
    expect(cluster.takeWrites()).toEqual([]);
    expect(cluster.events).toHaveLength(1);
  });

  it('starts no run before the infrastructure is ready, even when one is requested', async () => {
    putPipeline(cluster, {}, { [RUN_NOW_ANNOTATION]: 'now' });
    await reconciler.reconcile(KEY);
    const runJobs = cluster
      .cachedList({ apiVersion: 'batch/v1', kind: 'Job' }, NAMESPACE)
      .filter((job) => job.metadata?.labels?.[RUN_LABEL] !== undefined);
    expect(runJobs).toEqual([]);
  });

  it('starts a run once ready: the producer Job first, the consumer after it succeeds', async () => {
    putPipeline(cluster, {
      kafka: { mode: 'external', external: { bootstrapServers: ['kafka:9092'] } },
      postgres: { mode: 'external', external: { host: 'db.example', secretRef: { name: 'db' } } },
      airflow: { enabled: false },
    });
    const runJobs = () =>
      cluster
        .cachedList({ apiVersion: 'batch/v1', kind: 'Job' }, NAMESPACE)
        .filter((job) => job.metadata?.labels?.[RUN_LABEL] !== undefined);

    await reconciler.reconcile(KEY);
    expect(readyCondition(cluster)?.status).toBe('True');
    expect(runJobs().map((job) => job.metadata?.name)).toEqual([`${NAME}-produce-1`]);
    expect(pipelineStatus(cluster)?.phase).toBe('Running');

    const producer = runJobs()[0]!;
    cluster.put({
      ...producer,
      status: {
        succeeded: 1,
        conditions: [{ type: 'Complete', status: 'True' }],
        completionTime: new Date().toISOString(),
      },
    });
    await reconciler.reconcile(KEY);
    expect(runJobs().map((job) => job.metadata?.name)).toEqual([`${NAME}-produce-1`, `${NAME}-consume-1`]);
  });

  it('shows a suspended pipeline as Suspended', async () => {
    putPipeline(cluster, { suspend: true });
    await reconciler.reconcile(KEY);
    expect(pipelineStatus(cluster)?.phase).toBe('Suspended');
  });
});
