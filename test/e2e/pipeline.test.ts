/**
 * A RecallPipeline on the real cluster, applied with kubectl as users apply it: Kafka in external
 * mode pointing at a broker running in the cluster, managed PostgreSQL, Airflow, and the run on
 * create. The source is `recall api` in a pod of the cluster, serving the real records.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { API_GROUP_VERSION, KIND } from '../../charts/api/group.ts';
import {
  DEFAULT_PIPELINE_IMAGE,
  DEFAULT_TABLE,
  DEFAULT_TOPIC,
  IMAGE_RECALL_ENTRYPOINT,
} from '../../src/pipeline-defaults.ts';
import { loadImages, OPERATOR_NAMESPACE, operatorLeader } from '../infra/cluster/kind-cluster.ts';
import { buildRecallApiImage, KAFKA_IMAGE } from '../infra/cluster/product-images.ts';
import { envContext } from '../infra/context.ts';
import { RAPPELCONSO0_RECORDS } from '../real-data.ts';
import { kafkaBootstrapServers, kafkaBrokerObjects, KAFKA_BROKER_NAME } from './kafka-broker.ts';
import { apply, createNamespace, eventually, kubectl, kubectlJson, requireCluster } from './kind-fixture.ts';
import { nodeScriptPod, waitForPodPhase } from './pods.ts';

const PIPELINE = 'recalls';
const API_PORT = 8080;

/** Distinct recall references in the records: the rows the original table holds. */
function distinctReferences(file: string): number {
  const references = new Set<string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() !== '') references.add((JSON.parse(line) as { reference_fiche: string }).reference_fiche);
  }
  return references.size;
}

function recallApiObjects(namespace: string, image: string): object[] {
  const labels = { 'app.kubernetes.io/name': 'recall-api' };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'recall-api', namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'api',
                image,
                imagePullPolicy: 'IfNotPresent',
                command: ['node', IMAGE_RECALL_ENTRYPOINT, 'api', '--data', '/data/records.jsonl'],
                args: ['--host', '0.0.0.0', '--port', String(API_PORT)],
                ports: [{ name: 'http', containerPort: API_PORT }],
                readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
                resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'recall-api', namespace, labels },
      spec: { selector: labels, ports: [{ name: 'http', port: API_PORT, targetPort: 'http' }] },
    },
  ];
}

interface PipelineStatus {
  totalRecordsLoaded?: number;
  lastRun?: { number: number; completionTime?: string; succeeded?: boolean };
}

interface JobList {
  items: {
    metadata: { name: string };
    spec: { template: { spec: { containers: { image: string }[] } } };
    status: { succeeded?: number };
  }[];
}

interface PodList {
  items: {
    metadata: { name: string; ownerReferences?: { kind: string }[] };
    status: {
      phase: string;
      conditions?: { type: string; status: string }[];
      containerStatuses?: { name: string; state: { waiting?: { reason: string } } }[];
      initContainerStatuses?: { name: string; state: { waiting?: { reason: string } } }[];
    };
  }[];
}

/** Container states that mean a pod cannot start: its image, or its program, is wrong. */
const BROKEN =
  /ImagePullBackOff|ErrImagePull|ErrImageNeverPull|CrashLoopBackOff|CreateContainerConfigError|InvalidImageName/;

describe('a RecallPipeline in external-Kafka mode, applied with kubectl', () => {
  let namespace: Awaited<ReturnType<typeof createNamespace>>;
  const expectedRows = distinctReferences(RAPPELCONSO0_RECORDS);

  beforeAll(async () => {
    requireCluster();
    const ctx = envContext();
    const apiImage = await buildRecallApiImage(ctx, RAPPELCONSO0_RECORDS);
    await loadImages(ctx, [apiImage]);
    namespace = await createNamespace('pipeline');
    await apply([...kafkaBrokerObjects(namespace.name, KAFKA_IMAGE), ...recallApiObjects(namespace.name, apiImage)]);
    await kubectl('rollout', 'status', `statefulset/${KAFKA_BROKER_NAME}`, '-n', namespace.name, '--timeout=300s');
    await kubectl('rollout', 'status', 'deployment/recall-api', '-n', namespace.name, '--timeout=300s');
    await apply([
      {
        apiVersion: API_GROUP_VERSION,
        kind: KIND,
        metadata: { name: PIPELINE, namespace: namespace.name },
        spec: {
          source: { apiUrl: `http://recall-api.${namespace.name}.svc:${API_PORT}` },
          kafka: { mode: 'external', external: { bootstrapServers: [kafkaBootstrapServers(namespace.name)] } },
        },
      },
    ]);
  });

  afterAll(async () => {
    await namespace?.remove();
  });

  it('becomes Ready (kubectl wait), then its Jobs, real pods of our image, load every recall', async () => {
    const ns = namespace.name;
    await kubectl('wait', '--for=condition=Ready', `rp/${PIPELINE}`, '-n', ns, '--timeout=900s');
    const status = await eventually(
      'the run on create to end',
      async () => {
        const pipeline = await kubectlJson<{ status?: PipelineStatus }>('get', 'rp', PIPELINE, '-n', ns);
        return pipeline.status?.lastRun?.completionTime ? pipeline.status : undefined;
      },
      900_000,
    );
    expect(status.lastRun?.succeeded).toBe(true);
    expect(status.lastRun?.number).toBe(1);
    expect(status.totalRecordsLoaded).toBe(expectedRows);

    const jobs = await kubectlJson<JobList>('get', 'jobs', '-n', ns);
    const runJobs = jobs.items.filter((job) => /-(produce|consume)-1$/.test(job.metadata.name));
    expect(runJobs.map((job) => job.metadata.name).sort()).toEqual([`${PIPELINE}-consume-1`, `${PIPELINE}-produce-1`]);
    for (const job of runJobs) {
      expect(job.spec.template.spec.containers[0]!.image).toBe(DEFAULT_PIPELINE_IMAGE);
      expect(job.status.succeeded).toBe(1);
    }
    // What `kubectl get rp` prints: the Records column.
    const columns = await kubectl('get', 'rp', PIPELINE, '-n', ns);
    expect(columns).toMatch(new RegExp(`\\b${expectedRows}\\b`));
  });

  it('created its topics in the in-cluster broker', async () => {
    const ns = namespace.name;
    await apply([
      nodeScriptPod({
        name: 'list-topics',
        namespace: ns,
        recall: ['check', '--only', 'kafka'],
        env: { KAFKA_BROKERS: kafkaBootstrapServers(ns) },
      }),
    ]);
    await waitForPodPhase(ns, 'list-topics', 'Succeeded');
    const checked = await kubectl('logs', 'list-topics', '-n', ns);
    const topics = /; topics: (.*)$/m.exec(checked)?.[1]?.split(', ') ?? [];
    expect(topics).toContain(DEFAULT_TOPIC);
    expect(topics.some((topic) => topic !== DEFAULT_TOPIC && topic.startsWith(DEFAULT_TOPIC))).toBe(true);
  });

  it('runs a real PostgreSQL that passes its probe and holds the table, reached with psql through kubectl exec', async () => {
    const ns = namespace.name;
    await kubectl('rollout', 'status', `statefulset/${PIPELINE}-postgres`, '-n', ns, '--timeout=300s');
    const count = await kubectl(
      'exec',
      `${PIPELINE}-postgres-0`,
      '-n',
      ns,
      '--',
      'psql',
      '--username=recall',
      '--dbname=recall',
      '--tuples-only',
      '--no-align',
      '--command',
      `SELECT count(*) FROM ${DEFAULT_TABLE}`,
    );
    expect(Number(count.trim())).toBe(expectedRows);
  });

  it('starts every pod it creates: none waits on its image or crash-loops, each long-running one is Ready', async () => {
    const ns = namespace.name;
    const pods = await eventually(
      'every pod of the pipeline to run',
      async () => {
        const list = await kubectlJson<PodList>('get', 'pods', '-n', ns);
        const broken = list.items.flatMap((pod) =>
          [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]
            .filter((status) => BROKEN.test(status.state.waiting?.reason ?? ''))
            .map((status) => `${pod.metadata.name}/${status.name}: ${status.state.waiting!.reason}`),
        );
        if (broken.length > 0) throw new Error(`pods that cannot start: ${broken.join(', ')}`);
        const settled = list.items.every(
          (pod) =>
            pod.status.phase === 'Succeeded' ||
            (pod.status.phase === 'Running' &&
              pod.status.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True')),
        );
        return settled ? list.items : undefined;
      },
      600_000,
    );
    const names = pods.map((pod) => pod.metadata.name);
    for (const part of ['postgres', 'airflow-scheduler', 'airflow-dag-processor', 'airflow-api-server']) {
      expect(names.some((name) => name.startsWith(`${PIPELINE}-${part}`))).toBe(true);
    }
  });

  it('keeps reconciling after the operator pod is deleted: a new pod takes the Lease', async () => {
    const ctx = envContext();
    const before = await eventually('the operator leader', () => operatorLeader(ctx));
    await kubectl('delete', 'pod', before, '-n', OPERATOR_NAMESPACE, '--wait=false');
    const after = await eventually(
      'a new operator pod to take the Lease',
      async () => {
        const leader = await operatorLeader(ctx);
        return leader !== undefined && leader !== before ? leader : undefined;
      },
      180_000,
    );
    expect(after).not.toBe(before);
    // A child removed by hand comes back: the new leader reconciles.
    await kubectl('delete', 'service', `${PIPELINE}-postgres`, '-n', namespace.name);
    await eventually('the operator to restore the PostgreSQL Service', async () => {
      await kubectl('get', 'service', `${PIPELINE}-postgres`, '-n', namespace.name);
      return true;
    });
  });
});
