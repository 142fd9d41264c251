/**
 * The operator against the real control plane (kube-apiserver, kube-controller-manager, etcd; no
 * kubelet, no Strimzi operator): one in-process operator, scoped to this test's namespace so it
 * never touches what others run, takes one pipeline through its life. Readiness is played through
 * status subresources as operator-fixture.ts explains; the garbage collector is the real one.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { AIRFLOW_STEP_POD } from '../../charts/airflow-dag.ts';
import { PIPELINE_ANNOTATION } from '../../charts/labels.ts';
import type { RunningOperator } from '../../operator/operator.ts';
import type { RunReport } from '../../contract/run-report.ts';
import { connectionFor } from '../infra/connection.ts';
import { pipelineSamples } from '../pipeline-samples.ts';
import {
  caughtUp,
  counterTotal,
  namespacedOperator,
  PipelineClient,
  until,
  type NamespacedOperator,
} from './operator-fixture.ts';
import { endPod, startPod } from './kubelet.ts';

const WRITES = 'recall_operator_api_writes_total';
const REQUESTS = 'recall_operator_api_requests_total';
const RETAINED = ['Secret/rp-airflow', 'Secret/rp-airflow-login', 'Secret/rp-postgres'];
const RECONCILES = 'recall_operator_reconciles_total';

describe('operator: a pipeline from create to delete', () => {
  const namespace = `op-life-${randomUUID().slice(0, 8)}`;
  let scoped: NamespacedOperator;
  let client: PipelineClient;
  let operator: RunningOperator;
  let kafkaBrokers: string;
  const name = 'rp';
  let uid: string;

  beforeAll(async () => {
    kafkaBrokers = (await connectionFor('kafka')).KAFKA_BROKERS!;
    scoped = await namespacedOperator(namespace);
    ({ client, operator } = scoped);
  });

  afterAll(async () => {
    await scoped?.stop();
  });

  /** The pipeline's series in the operator's /metrics text, as a scrape would read them. */
  async function samples(pipeline = name): Promise<Record<string, number>> {
    return pipelineSamples(await operator.metrics.registry.metrics(), namespace, pipeline);
  }

  const seconds = (timestamp: string | undefined) => Date.parse(timestamp!) / 1000;

  /**
   * Until a reconcile of every pipeline sends the API nothing, not even a read: whatever Kubernetes'
   * own controllers were still doing to the children has been seen and answered.
   */
  async function steady(): Promise<void> {
    await until(async () => {
      await operator.idle();
      const requests = await counterTotal(operator.metrics.registry, REQUESTS);
      operator.resync();
      await operator.idle();
      return (await counterTotal(operator.metrics.registry, REQUESTS)) === requests;
    }, 'a reconcile of every pipeline that sends no request');
  }

  async function expectOwnedChildren(): Promise<string[]> {
    const children = await client.children();
    const owners = await Promise.all(
      children.map(async (child) => {
        const [kind, childName] = child.split('/') as [string, string];
        const read = {
          ConfigMap: () => client.core.readNamespacedConfigMap({ name: childName, namespace }),
          Secret: () => client.core.readNamespacedSecret({ name: childName, namespace }),
          Service: () => client.core.readNamespacedService({ name: childName, namespace }),
          ServiceAccount: () => client.core.readNamespacedServiceAccount({ name: childName, namespace }),
          StatefulSet: () => client.apps.readNamespacedStatefulSet({ name: childName, namespace }),
          Deployment: () => client.apps.readNamespacedDeployment({ name: childName, namespace }),
          Job: () => client.batch.readNamespacedJob({ name: childName, namespace }),
        }[kind];
        if (!read) return { child, owners: 'strimzi' };
        const object = await read();
        return {
          child,
          owners: object.metadata?.ownerReferences?.map((ref) => `${ref.kind}/${ref.uid}/${ref.controller}`),
        };
      }),
    );
    for (const entry of owners.filter((owner) => owner.owners !== 'strimzi')) {
      // The Secrets that unlock the database outlive the pipeline (onDelete: Retain, the default).
      const expected = RETAINED.includes(entry.child) ? undefined : [`RecallPipeline/${uid}/true`];
      expect(entry.owners, entry.child).toEqual(expected);
    }
    return children;
  }

  it('creates every child, owned but for the Secrets that unlock the database, and reports Provisioning until they are ready', async () => {
    uid = (await client.create(name)).metadata.uid;
    const pipeline = await until(async () => {
      const current = await client.get(name);
      return current.status?.observedGeneration === 1 ? current : undefined;
    }, 'the first status');
    expect(pipeline.status?.phase).toBe('Provisioning');
    expect(pipeline.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'KafkaNotReady',
    });
    expect(pipeline.status?.conditions?.find((c) => c.type === 'LastRunSucceeded')).toMatchObject({
      status: 'Unknown',
      reason: 'NoRun',
    });
    const children = await expectOwnedChildren();
    expect(children).toEqual(
      expect.arrayContaining([
        'Kafka/rp-kafka',
        'KafkaNodePool/rp-nodes',
        'KafkaTopic/rp-topic-main',
        'KafkaTopic/rp-topic-dead-letter',
        'StatefulSet/rp-postgres',
        'Service/rp-postgres',
        'Secret/rp-postgres',
        'Secret/rp-airflow',
        'Secret/rp-airflow-login',
        'Deployment/rp-airflow-scheduler',
        'Deployment/rp-airflow-dag-processor',
        'Deployment/rp-airflow-api-server',
        'Job/rp-airflow-db-migrate',
      ]),
    );
    // The run waits for Kafka and the database: no run Job yet.
    expect(children.filter((child) => /-(produce|consume)-\d+$/.test(child))).toEqual([]);
    // Create-only Secrets were filled from the CSPRNG.
    const secret = await client.core.readNamespacedSecret({ name: 'rp-postgres', namespace });
    expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toMatch(/^[A-Za-z0-9]{32}$/);
    // A fixed value, the login's user, is written as given.
    const login = await client.core.readNamespacedSecret({ name: 'rp-airflow-login', namespace });
    expect(Buffer.from(login.data?.username ?? '', 'base64').toString()).toBe('admin');
    expect(Buffer.from(login.data?.password ?? '', 'base64').toString()).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('becomes Ready from observed children, then runs the producer Job and, once it completed, the consumer Job', async () => {
    const ready = await client.makeReady(name);
    expect(ready.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(
      expect.arrayContaining(['Ready=True', 'KafkaReady=True', 'DatabaseReady=True', 'AirflowReady=True']),
    );
    await until(async () => (await client.jobNames()).includes('rp-produce-1'), 'the producer Job');
    // Reconciled with the producer Job in its cache, not complete: the consumer waits.
    await caughtUp(operator, await client.batch.readNamespacedJob({ name: 'rp-produce-1', namespace }));
    expect(await client.jobNames()).not.toContain('rp-consume-1');
    expect((await client.get(name)).status?.phase).toBe('Running');

    // The reports the real commands write to the termination message (test/integration/producer and consumer-kill).
    const produced: RunReport = { step: 'produce', sent: 8810, deadLettered: 2, checkpoint: '2023-06-30 (+19 at it)' };
    const consumed: RunReport = { step: 'consume', inserted: 8800, updated: 3, deadLettered: 1, tableRows: 8803 };
    await until(
      () => client.finishJobPods('rp-produce-1', 'Succeeded', JSON.stringify(produced)).then((ended) => ended > 0),
      'the producer pod',
    );
    await until(async () => (await client.jobNames()).includes('rp-consume-1'), 'the consumer Job');
    const consuming = await until(async () => {
      const status = (await client.get(name)).status;
      return status?.lastRun?.recordsProduced === 8810 ? status : undefined;
    }, 'the producer’s counts in the status while the consumer runs');
    expect(consuming).toMatchObject({ checkpoint: '2023-06-30 (+19 at it)', lastRun: { recordsDeadLettered: 2 } });
    await until(
      () => client.finishJobPods('rp-consume-1', 'Succeeded', JSON.stringify(consumed)).then((ended) => ended > 0),
      'the consumer pod',
    );

    const done = await client.waitForCondition(name, 'LastRunSucceeded', 'True', 'Succeeded');
    expect(done.status?.lastRun).toMatchObject({
      number: 1,
      succeeded: true,
      recordsProduced: 8810,
      recordsLoaded: 8803,
      recordsDeadLettered: 3,
    });
    expect(done.status).toMatchObject({ checkpoint: '2023-06-30 (+19 at it)', totalRecordsLoaded: 8803 });
    expect(done.status?.lastRun?.trigger).toBeUndefined();
    expect(done.status?.lastRun?.completionTime).toBeTruthy();
    expect(done.status?.phase).toBe('Ready');
  });

  it('exports the finished run’s counts and the pipeline’s health in its metrics, labelled by namespace and pipeline', async () => {
    const pipeline = await client.get(name);
    const run = pipeline.status!.lastRun!;
    const exported = await until(async () => {
      const current = await samples();
      return current.recall_pipeline_last_run_records_loaded === 8803 ? current : undefined;
    }, 'the run’s counts in the metrics');
    expect(exported).toEqual({
      recall_pipeline_ready: 1,
      'recall_pipeline_phase{phase="Pending"}': 0,
      'recall_pipeline_phase{phase="Provisioning"}': 0,
      'recall_pipeline_phase{phase="Ready"}': 1,
      'recall_pipeline_phase{phase="Running"}': 0,
      'recall_pipeline_phase{phase="Suspended"}': 0,
      'recall_pipeline_phase{phase="Failed"}': 0,
      recall_pipeline_created_timestamp_seconds: seconds(pipeline.metadata.creationTimestamp),
      recall_pipeline_table_rows: 8803,
      recall_pipeline_last_success_timestamp_seconds: seconds(run.completionTime),
      recall_pipeline_last_run_succeeded: 1,
      recall_pipeline_last_run_duration_seconds: seconds(run.completionTime) - seconds(run.startTime),
      recall_pipeline_last_run_records_produced: 8810,
      recall_pipeline_last_run_records_loaded: 8803,
      recall_pipeline_last_run_records_dead_lettered: 3,
      'recall_pipeline_runs_total{result="succeeded",runner="Jobs"}': 1,
      'recall_pipeline_runs_total{result="succeeded",runner="Airflow"}': 0,
      'recall_pipeline_runs_total{result="failed",runner="Jobs"}': 0,
      'recall_pipeline_runs_total{result="failed",runner="Airflow"}': 0,
    });
  });

  it('makes zero requests for a steady pipeline, whatever triggers the reconcile: it reads its caches', async () => {
    await steady();
    const writes = await counterTotal(operator.metrics.registry, WRITES);
    const requests = await counterTotal(operator.metrics.registry, REQUESTS);
    const reconciles = await counterTotal(operator.metrics.registry, RECONCILES);
    operator.resync();
    // A metadata-only change is an event for the pipeline, and changes nothing it owns.
    await caughtUp(operator, await client.patch(name, { metadata: { annotations: { 'example.com/touched': 'yes' } } }));
    expect(await counterTotal(operator.metrics.registry, RECONCILES)).toBeGreaterThanOrEqual(reconciles + 2);
    expect(await counterTotal(operator.metrics.registry, WRITES)).toBe(writes);
    // Reads too: Airflow's pods, like every child, come from a watch cache.
    expect(await counterTotal(operator.metrics.registry, REQUESTS)).toBe(requests);
  });

  it('restores a deleted child and reverts an edited one', async () => {
    await client.core.deleteNamespacedConfigMap({ name: 'rp-airflow-dags', namespace });
    await until(
      () => client.core.readNamespacedConfigMap({ name: 'rp-airflow-dags', namespace }).then(() => true),
      'the ConfigMap to come back',
    );
    await client.apps.patchNamespacedDeployment(
      { name: 'rp-airflow-api-server', namespace, body: { spec: { replicas: 3 } } },
      (await import('@kubernetes/client-node')).setHeaderOptions('Content-Type', 'application/merge-patch+json'),
    );
    await until(
      async () =>
        (await client.apps.readNamespacedDeployment({ name: 'rp-airflow-api-server', namespace })).spec?.replicas === 1,
      'the Deployment to be scaled back to 1',
    );
  });

  it('updates the children when the spec changes, and prunes what is no longer desired', async () => {
    await client.patch(name, { spec: { kafka: { partitions: 6 }, tools: { kafkaUi: { enabled: true } } } });
    await until(async () => {
      const topic = (await client.custom.getNamespacedCustomObject({
        group: 'kafka.strimzi.io',
        version: 'v1',
        namespace,
        plural: 'kafkatopics',
        name: 'rp-topic-main',
      })) as { spec: { partitions: number } };
      return topic.spec.partitions === 6;
    }, 'the topic to have 6 partitions');
    await until(async () => (await client.children()).includes('Deployment/rp-kafka-ui'), 'Kafka UI');
    const updated = await until(async () => {
      const current = await client.get(name);
      return current.status?.observedGeneration === current.metadata.generation ? current : undefined;
    }, 'the status to observe the new generation');
    expect(updated.metadata.generation).toBeGreaterThan(1);

    await client.patch(name, { spec: { tools: { kafkaUi: { enabled: false } } } });
    await until(async () => !(await client.children()).includes('Deployment/rp-kafka-ui'), 'Kafka UI to be pruned');
    expect(await client.children()).toContain('StatefulSet/rp-postgres');
  });

  it('starts a new run on a new run-now value, and drops the Jobs of the previous run', async () => {
    await client.patch(name, { metadata: { annotations: { 'rappelconso.io/run-now': 'first' } } });
    await until(async () => (await client.jobNames()).includes('rp-produce-2'), 'the second run’s producer');
    await until(async () => !(await client.jobNames()).includes('rp-produce-1'), 'run 1’s Jobs to be pruned');
    await until(() => client.finishJobPods('rp-produce-2', 'Succeeded').then((ended) => ended > 0), 'producer pod');
    await until(() => client.finishJobPods('rp-consume-2', 'Succeeded').then((ended) => ended > 0), 'consumer pod');
    const done = await until(async () => {
      const current = await client.get(name);
      return current.status?.lastRun?.number === 2 && current.status.lastRun.succeeded ? current : undefined;
    }, 'run 2 to succeed');
    expect(done.status?.lastRun?.trigger).toBe('first');

    // The same value again is not a new request.
    await caughtUp(
      operator,
      await client.patch(name, { metadata: { annotations: { 'example.com/touched': 'again' } } }),
    );
    expect((await client.jobNames()).filter((job) => job.includes('-produce-'))).toEqual(['rp-produce-2']);
  });

  it('starts no run while suspended, and runs the pending request once resumed', async () => {
    await client.patch(name, { spec: { suspend: true } });
    await until(async () => (await client.get(name)).status?.phase === 'Suspended', 'phase Suspended');
    // The scheduler stays, and pauses the DAG as it starts again.
    const scheduler = await until(async () => {
      const deployment = await client.apps.readNamespacedDeployment({ name: 'rp-airflow-scheduler', namespace });
      const pausing = deployment.spec?.template.spec?.initContainers?.some(
        (container) => container.name === 'apply-suspend' && container.args?.[1] === 'pause',
      );
      return pausing ? deployment : undefined;
    }, 'the scheduler to pause the DAG');
    expect(scheduler.spec?.replicas).toBe(1);
    await caughtUp(
      operator,
      await client.patch(name, { metadata: { annotations: { 'rappelconso.io/run-now': 'while-suspended' } } }),
    );
    expect((await client.jobNames()).filter((job) => job.includes('-produce-'))).toEqual(['rp-produce-2']);
    expect((await client.get(name)).status?.lastRun?.number).toBe(2);

    await client.patch(name, { spec: { suspend: false } });
    await client.makeReady(name);
    await until(async () => (await client.jobNames()).includes('rp-produce-3'), 'the pending run to start');
    expect((await client.get(name)).status?.lastRun).toMatchObject({ number: 3, trigger: 'while-suspended' });
  });

  it('reports a run whose Job failed past its backoff limit as failed, not running', async () => {
    await until(() => client.finishJobPods('rp-produce-3', 'Succeeded').then((ended) => ended > 0), 'producer pod');
    await until(() => client.finishJobPods('rp-consume-3', 'Succeeded').then((ended) => ended > 0), 'consumer pod');
    await until(async () => (await client.get(name)).status?.lastRun?.succeeded, 'run 3 to succeed');
    // backoffLimit 0: the first failed pod fails the Job; a new run takes the new limit.
    await client.patch(name, {
      metadata: { annotations: { 'rappelconso.io/run-now': 'failing' } },
      spec: { jobs: { backoffLimit: 0 } },
    });
    await until(() => client.finishJobPods('rp-produce-4', 'Failed').then((ended) => ended > 0), 'the producer pod');
    const failed = await client.waitForCondition(name, 'LastRunSucceeded', 'False', 'Failed');
    expect(failed.status?.lastRun).toMatchObject({ number: 4, succeeded: false });
    const message = failed.status?.conditions?.find((c) => c.type === 'LastRunSucceeded')?.message;
    expect(message).toContain('producer failed');
    expect(message).toContain('BackoffLimitExceeded');
    expect(failed.status?.phase).toBe('Failed');
    // Reconciled again on its own write of the failure: still no consumer.
    await caughtUp(operator, failed);
    expect(await client.jobNames()).not.toContain('rp-consume-4');
  });

  it('shows a run Airflow started, read from the pods its DAG leaves, as it shows a run of Jobs, then deletes them', async () => {
    const runId = 'manual__2026-12-01T06:00:00.123456+00:00';
    /** A step's pod as KubernetesPodOperator launches it from the pipeline's pod template. */
    const launch = async (step: 'produce' | 'consume') => {
      const templates = await client.core.readNamespacedConfigMap({ name: 'rp-airflow-pod-templates', namespace });
      const template = yaml.load(templates.data![`${step}.yaml`]!) as k8s.V1Pod;
      return client.core.createNamespacedPod({
        namespace,
        body: {
          ...template,
          metadata: {
            name: `rp-${step}-${randomUUID().slice(0, 6)}`,
            labels: {
              ...template.metadata!.labels,
              kubernetes_pod_operator: 'True',
              [AIRFLOW_STEP_POD.runLabel]: 'manual__2026-12-01T0600000.123456-abcdef',
              [AIRFLOW_STEP_POD.tryLabel]: '1',
              [AIRFLOW_STEP_POD.finalTryLabel]: 'false',
            },
            annotations: { [PIPELINE_ANNOTATION]: name, [AIRFLOW_STEP_POD.runIdAnnotation]: runId },
          },
        },
      });
    };
    /** What KubernetesPodOperator does to a pod it keeps once it has read its end. */
    const doneWith = (pod: k8s.V1Pod) =>
      client.core.patchNamespacedPod(
        {
          name: pod.metadata!.name!,
          namespace,
          body: { metadata: { labels: { [AIRFLOW_STEP_POD.doneLabel]: 'True' } } },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    const produced: RunReport = { step: 'produce', sent: 5, deadLettered: 0, checkpoint: '2023-07-01 (+5 at it)' };
    const consumed: RunReport = { step: 'consume', inserted: 4, updated: 1, deadLettered: 0, tableRows: 8807 };
    const runNumber = ((await client.get(name)).status?.lastRun?.number ?? 0) + 1;

    const producer = await launch('produce');
    await startPod(client.core, producer);
    const running = await until(async () => {
      const status = (await client.get(name)).status;
      return status?.lastRun?.airflowRunId === runId ? status : undefined;
    }, 'the Airflow run in the status');
    expect(running.lastRun).toMatchObject({ number: runNumber, runner: 'Airflow' });
    expect(running.lastRun?.completionTime).toBeUndefined();
    expect(running.phase).toBe('Running');
    await endPod(client.core, producer, 'Succeeded', JSON.stringify(produced));
    await doneWith(producer);
    const consumer = await launch('consume');
    await endPod(client.core, consumer, 'Succeeded', JSON.stringify(consumed));
    // Until Airflow is done with the pod, the step is not over: the task may still fail.
    await caughtUp(operator, await client.core.readNamespacedPod({ name: consumer.metadata!.name!, namespace }));
    expect((await client.get(name)).status?.lastRun?.completionTime).toBeUndefined();
    await doneWith(consumer);

    const done = await client.waitForCondition(name, 'LastRunSucceeded', 'True', 'Succeeded');
    expect(done.status?.lastRun).toMatchObject({
      number: runNumber,
      runner: 'Airflow',
      airflowRunId: runId,
      succeeded: true,
      recordsProduced: 5,
      recordsLoaded: 5,
    });
    expect(done.status).toMatchObject({ checkpoint: '2023-07-01 (+5 at it)', totalRecordsLoaded: 8807 });
    // Its pods told all they had to; the operator started no Job for it.
    await until(
      async () =>
        (await client.core.listNamespacedPod({ namespace, labelSelector: 'kubernetes_pod_operator=True' })).items
          .length === 0,
      'the Airflow run’s pods to be deleted',
    );
    expect((await client.jobNames()).filter((job) => job.endsWith(`-${runNumber}`))).toEqual([]);
    const events = await client.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.uid=${uid}` });
    expect(events.items.map((event) => event.message)).toContain(
      `run ${runNumber} started by Airflow (DAG run ${runId})`,
    );
  });

  it('counted each run once as it ended, the Jobs’ and Airflow’s, and shows the last one', async () => {
    // Reconciled once more, at rest: a run counted again would show.
    await steady();
    const exported = await samples();
    const runs = Object.fromEntries(
      Object.entries(exported).filter(([series]) => series.startsWith('recall_pipeline_runs_total')),
    );
    // Runs 1 to 3 by Jobs succeeded, run 4 failed, run 5 was Airflow's; resyncs and edits counted none again.
    expect(runs).toEqual({
      'recall_pipeline_runs_total{result="succeeded",runner="Jobs"}': 3,
      'recall_pipeline_runs_total{result="failed",runner="Jobs"}': 1,
      'recall_pipeline_runs_total{result="succeeded",runner="Airflow"}': 1,
      'recall_pipeline_runs_total{result="failed",runner="Airflow"}': 0,
    });
    expect(exported).toMatchObject({
      recall_pipeline_last_run_succeeded: 1,
      recall_pipeline_last_run_records_produced: 5,
      recall_pipeline_last_run_records_loaded: 5,
      recall_pipeline_last_run_records_dead_lettered: 0,
      recall_pipeline_table_rows: 8807,
      recall_pipeline_last_success_timestamp_seconds: seconds((await client.get(name)).status?.lastRun?.completionTime),
    });
  });

  it('records Events about the pipeline', async () => {
    const events = await client.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.uid=${uid}` });
    const reasons = new Set(events.items.map((event) => event.reason));
    for (const reason of ['Applied', 'Ready', 'RunStarted', 'ConsumerStarted', 'RunSucceeded', 'RunFailed', 'Pruned']) {
      expect(reasons, reason).toContain(reason);
    }
  });

  it('creates the topics through the Kafka admin API when Kafka is external', async () => {
    const topic = `op_ext_${randomUUID().slice(0, 8)}`;
    await client.create('ext', {
      kafka: { mode: 'external', external: { bootstrapServers: [kafkaBrokers] }, topic, partitions: 2 },
      postgres: { mode: 'external', external: { host: 'db.example', secretRef: { name: 'db-credentials' } } },
      airflow: { enabled: false },
      jobs: { runOnCreate: false },
    });
    const ready = await client.waitForCondition('ext', 'Ready', 'True');
    expect(ready.status?.conditions?.find((c) => c.type === 'KafkaReady')?.message).toContain(topic);
    const admin = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic, `${topic}.dead-letter`] });
      expect(metadata.topics.map((entry) => entry.partitions.length)).toEqual([2, 2]);
      await admin.deleteTopics({ topics: [topic, `${topic}.dead-letter`] });
    } finally {
      await admin.disconnect();
    }
    await until(async () => (await samples('ext')).recall_pipeline_ready === 1, 'the external pipeline’s series');
    await client.delete('ext');
  });

  it('lets the garbage collector delete every child but the retained Secrets once the pipeline is deleted', async () => {
    expect((await client.children()).length).toBeGreaterThan(10);
    await client.delete(name);
    await until(
      async () => (await client.children()).join() === RETAINED.join(),
      'every other child to be garbage-collected',
      90_000,
    );
    // Its series went with it, and so did those of the pipeline deleted before.
    await until(async () => Object.keys(await samples()).length === 0, 'the pipeline’s series to go');
    expect(await samples('ext')).toEqual({});
  });
});
