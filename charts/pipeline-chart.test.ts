/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access --
   these tests read synthesized manifests: plain JSON of many shapes, checked field by field. */
import { describe, expect, it } from 'vitest';
import { loadYaml } from '@kubernetes/client-node';
import { AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE } from './airflow-construct.ts';
import { DAG_FILE_NAME, PLACEHOLDER_DAG, POD_TEMPLATE_FILES } from './airflow-dag.ts';
import { keysToGenerate } from './generated-secret.ts';
import { buildPipelineObjects, buildRunJob, type KubernetesObject } from './pipeline-chart.ts';
import type { RecallPipelineInput } from '../contract/recall-pipeline/recall-pipeline.ts';
import { POSTGRES_PORT } from './postgres-construct.ts';
import { fullSample } from './samples/full.ts';
import { minimalSample } from './samples/minimal.ts';

type Pod = { spec: PodSpec };
type Container = {
  name: string;
  image: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
};
type PodSpec = {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
};

function find(objects: KubernetesObject[], kind: string, name: string): KubernetesObject & Record<string, any> {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found as KubernetesObject & Record<string, any>;
}

function runJob(...args: Parameters<typeof buildRunJob>): KubernetesObject & Record<string, any> {
  return buildRunJob(...args) as KubernetesObject & Record<string, any>;
}

describe('buildPipelineObjects, minimal sample (everything defaulted)', () => {
  const objects = buildPipelineObjects(minimalSample);

  it('builds the managed Kafka, its two topics, PostgreSQL and Airflow, no run Jobs and no tools', () => {
    const kinds = objects.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Kafka/rappel-conso-kafka',
        'KafkaNodePool/rappel-conso-nodes',
        'KafkaTopic/rappel-conso-topic-main',
        'KafkaTopic/rappel-conso-topic-dead-letter',
        'StatefulSet/rappel-conso-postgres',
        'Service/rappel-conso-postgres',
        'NetworkPolicy/rappel-conso-postgres-ingress',
        'Job/rappel-conso-airflow-db-migrate',
        'Deployment/rappel-conso-airflow-scheduler',
        'Deployment/rappel-conso-airflow-dag-processor',
        'Deployment/rappel-conso-airflow-api-server',
      ]),
    );
    // Runs are events: the operator builds their Jobs with buildRunJob when a run starts.
    expect(kinds.filter((kind) => kind.startsWith('Job/'))).toEqual(['Job/rappel-conso-airflow-db-migrate']);
    expect(kinds.some((kind) => kind.includes('kafka-ui') || kind.includes('pgadmin'))).toBe(false);
  });

  it('names the Kafka topics in spec.topicName, labels them with their Strimzi cluster', () => {
    const main = find(objects, 'KafkaTopic', 'rappel-conso-topic-main');
    expect(main.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(main.metadata.labels?.['strimzi.io/cluster']).toBe('rappel-conso-kafka');
    expect(main.spec).toEqual({
      topicName: 'rappel_conso',
      partitions: 3,
      replicas: 1,
      config: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' },
    });
    expect(find(objects, 'KafkaTopic', 'rappel-conso-topic-dead-letter').spec.topicName).toBe(
      'rappel_conso.dead-letter',
    );
  });

  it('creates the KRaft cluster as one node pool of controller+broker nodes', () => {
    const pool = find(objects, 'KafkaNodePool', 'rappel-conso-nodes');
    expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe('rappel-conso-kafka');
    expect(pool.spec.roles).toEqual(['controller', 'broker']);
    expect(pool.spec.storage.volumes[0]).toMatchObject({ kraftMetadata: 'shared', size: '10Gi' });
  });

  it('emits the database password Secret empty and create-only, for the operator to fill once', () => {
    const secret = find(objects, 'Secret', 'rappel-conso-postgres');
    expect(secret.data).toBeUndefined();
    expect(secret.stringData).toBeUndefined();
    expect(keysToGenerate(secret)).toEqual({ password: 'alphanumeric-32' });
  });

  it('builds a run’s Jobs, named by step and run number, labelled with the run, owned like the rest', () => {
    const job = runJob({ ...minimalSample, metadata: { ...minimalSample.metadata, uid: 'u-1' } }, 'produce', 7);
    expect(job.kind).toBe('Job');
    expect(job.metadata.name).toBe('rappel-conso-produce-7');
    expect(job.metadata.namespace).toBe('recall');
    expect(job.metadata.labels).toMatchObject({
      'app.kubernetes.io/instance': 'rappel-conso',
      'app.kubernetes.io/managed-by': 'recall-pipeline-operator',
      'app.kubernetes.io/component': 'produce',
      'rappelconso.io/run': '7',
    });
    expect(job.metadata.annotations?.['rappelconso.io/pipeline']).toBe('rappel-conso');
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'RecallPipeline', uid: 'u-1', controller: true });
    const spec = job.spec as { backoffLimit: number; suspend: boolean; template: { metadata: { labels: object } } };
    expect(spec).toMatchObject({ backoffLimit: 3, suspend: false });
    expect(spec.template.metadata.labels).toMatchObject({ 'rappelconso.io/run': '7' });
  });

  it('runs producer and consumer Jobs with the recall command; the consumer migrates first', () => {
    const produce = runJob(minimalSample, 'produce', 1).spec.template.spec as PodSpec;
    expect(produce.containers[0]!.args).toEqual([
      'produce',
      ...['--pipeline', 'rappel-conso', '--dataset', 'rappelconso0', '--api-url', 'https://data.economie.gouv.fr'],
      ...['--topic', 'rappel_conso'],
    ]);
    const consume = runJob(minimalSample, 'consume', 1).spec.template.spec as PodSpec;
    expect(consume.initContainers?.map((container) => container.args)).toEqual([
      ['migrate', '--table', 'rappel_conso_table'],
    ]);
    expect(consume.containers[0]!.args).toEqual([
      'consume',
      ...[
        '--pipeline',
        'rappel-conso',
        '--topic',
        'rappel_conso',
        '--table',
        'rappel_conso_table',
        '--until-caught-up',
      ],
    ]);
    const env = Object.fromEntries(consume.containers[0]!.env!.map((variable) => [variable.name, variable.value]));
    expect(env).toMatchObject({
      PGHOST: 'rappel-conso-postgres',
      KAFKA_BROKERS: 'rappel-conso-kafka-kafka-bootstrap:9092',
    });
  });

  it('gives Airflow pod templates built by the same builder as the Jobs', () => {
    const templates = find(objects, 'ConfigMap', 'rappel-conso-airflow-pod-templates').data as Record<string, string>;
    for (const step of ['produce', 'consume'] as const) {
      const pod = loadYaml<Pod & { kind: string }>(templates[POD_TEMPLATE_FILES[step]]!);
      const job = runJob(minimalSample, step, 1).spec.template.spec as PodSpec;
      expect(pod.kind).toBe('Pod');
      expect(pod.spec.containers[0]!.name).toBe('base');
      expect({ ...pod.spec.containers[0], name: step }).toEqual(job.containers[0]);
      expect(pod.spec.initContainers ?? []).toEqual(job.initContainers ?? []);
    }
  });

  it('leaves the DAG’s place in the dags ConfigMap, holding the placeholder until the DAG exists', () => {
    const dags = find(objects, 'ConfigMap', 'rappel-conso-airflow-dags').data as Record<string, string>;
    expect(dags[DAG_FILE_NAME]).toBe(PLACEHOLDER_DAG);
    const withDag = buildPipelineObjects(minimalSample, { dagSource: 'dag = 1\n' });
    expect(find(withDag, 'ConfigMap', 'rappel-conso-airflow-dags').data[DAG_FILE_NAME]).toBe('dag = 1\n');
  });

  it('keeps the dag-processor out of the ConfigMap volume’s ..data folders, which it would walk twice and exit', () => {
    const dags = find(objects, 'ConfigMap', 'rappel-conso-airflow-dags').data as Record<string, string>;
    expect(dags['.airflowignore']).toBe('..*\n');
    const processor = find(objects, 'Deployment', 'rappel-conso-airflow-dag-processor') as unknown as {
      spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    };
    expect(processor.spec.template.spec.containers[0]!.env).toContainEqual({
      name: 'AIRFLOW__CORE__DAG_IGNORE_FILE_SYNTAX',
      value: 'glob',
    });
  });

  it('lets only the scheduler’s ServiceAccount launch pods, in its namespace, and nothing else', () => {
    // The rules are the install's pod launcher ClusterRole (operator-install.test.ts); bound here, in one namespace.
    expect(objects.some((object) => object.kind === 'Role' || object.kind.startsWith('Cluster'))).toBe(false);
    const binding = find(objects, 'RoleBinding', 'rappel-conso-airflow-launcher');
    expect(binding.metadata.namespace).toBe('recall');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE,
    });
    expect(binding.subjects).toEqual([
      { apiGroup: '', kind: 'ServiceAccount', name: 'rappel-conso-airflow', namespace: 'recall' },
    ]);
    const scheduler = find(objects, 'Deployment', 'rappel-conso-airflow-scheduler').spec.template.spec as PodSpec;
    expect(scheduler.serviceAccountName).toBe('rappel-conso-airflow');
    const apiServer = find(objects, 'Deployment', 'rappel-conso-airflow-api-server').spec.template.spec as PodSpec;
    expect(apiServer.serviceAccountName).toBeUndefined();
  });
});

describe('buildPipelineObjects, full sample (every field set)', () => {
  const objects = buildPipelineObjects(fullSample);

  it('takes topics, partitions, replicas and retention from the spec', () => {
    expect(find(objects, 'KafkaTopic', 'rappel-conso-v2-topic-main').spec).toMatchObject({
      topicName: 'rappel_conso_v2',
      partitions: 6,
      replicas: 3,
      config: { 'retention.ms': '1209600000' },
    });
    expect(find(objects, 'KafkaTopic', 'rappel-conso-v2-topic-dead-letter').spec.topicName).toBe(
      'rappel_conso_v2.rejected',
    );
    expect(find(objects, 'KafkaNodePool', 'rappel-conso-v2-nodes').spec).toMatchObject({ replicas: 3 });
  });

  it('passes the source settings and the custom dead-letter topic to the producer', () => {
    const produceJob = runJob(fullSample, 'produce', 1);
    const produce = produceJob.spec.template.spec as PodSpec;
    expect(produce.containers[0]!.args).toEqual(
      expect.arrayContaining([
        '--dataset',
        'rappelconso-v2-gtin-espaces',
        '--page-size',
        '100',
        '--since',
        '2024-01-01',
      ]),
    );
    expect(produce.containers[0]!.args).toEqual(
      expect.arrayContaining(['--dead-letter-topic', 'rappel_conso_v2.rejected']),
    );
    expect(produceJob.spec.backoffLimit).toBe(5);
  });

  it('deploys Kafka UI and pgAdmin, pgAdmin’s password from a create-only Secret', () => {
    expect(find(objects, 'Deployment', 'rappel-conso-v2-kafka-ui').spec.template.spec.containers[0].image).toBe(
      'ghcr.io/kafbat/kafka-ui:v1.5.0',
    );
    const pgAdmin = find(objects, 'Deployment', 'rappel-conso-v2-pgadmin').spec.template.spec
      .containers[0] as Container;
    expect(pgAdmin.env).toContainEqual({
      name: 'PGADMIN_DEFAULT_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'rappel-conso-v2-pgadmin', key: 'password' } },
    });
    expect(keysToGenerate(find(objects, 'Secret', 'rappel-conso-v2-pgadmin'))).toEqual({ password: 'alphanumeric-32' });
  });

  it('sizes PostgreSQL from the spec', () => {
    const statefulSet = find(objects, 'StatefulSet', 'rappel-conso-v2-postgres');
    expect(statefulSet.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'standard',
      resources: { requests: { storage: '20Gi' } },
    });
  });
});

/** A pipeline with Airflow on an external PostgreSQL, whose credentials come from the user’s Secret. */
const externalDatabase: RecallPipelineInput = {
  metadata: { name: 'ext-db', namespace: 'recall' },
  spec: { postgres: { mode: 'external', external: { host: 'db.example', secretRef: { name: 'db-credentials' } } } },
};

/** A variable whose name says it holds a credential. */
const SECRET_NAME = /PASSWORD|SECRET|FERNET|TOKEN|_KEY$/;
/** Where a secret is kept, such as Airflow's passwords file: a path, not the secret. */
const SECRET_PATH = /_FILE$/;
/** `scheme://user:password@`, leaving out format strings whose parts are placeholders. */
const CREDENTIALS_IN_URL = /:\/\/[^\s/:@%]+:[^\s/@%]+@/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi)?$/;

describe.each([
  ['minimal', minimalSample],
  ['full', fullSample],
  ['external PostgreSQL', externalDatabase],
])('every object and pod of the %s sample', (_, sample) => {
  const objects = buildPipelineObjects(sample);
  const runJobs = (['produce', 'consume'] as const).map((step) => runJob(sample, step, 1));
  type LabelledPod = Pod & { metadata: { labels: Record<string, string> } };
  const workloadPods = [...objects, ...runJobs].flatMap((object) => {
    const template = (object as { spec?: { template?: LabelledPod } }).spec?.template;
    // A KafkaNodePool's spec.template is Strimzi's, with no pod spec (kafka-construct.test.ts).
    return template?.spec ? [{ where: `${object.kind}/${object.metadata.name}`, pod: template }] : [];
  });
  const templates = objects
    .filter((object) => object.kind === 'ConfigMap' && object.metadata.name.endsWith('-airflow-pod-templates'))
    .flatMap((configMap) =>
      Object.entries((configMap as { data?: Record<string, string> }).data ?? {}).map(([file, text]) => ({
        where: `${configMap.metadata.name}/${file}`,
        pod: loadYaml<LabelledPod>(text),
      })),
    );
  /** The Deployments', StatefulSets' and Jobs' pods, both run Jobs', and those Airflow launches. */
  const pods = [...workloadPods, ...templates].map(({ where, pod }) => ({
    where,
    labels: pod.metadata.labels,
    spec: pod.spec,
  }));
  const containers = pods.flatMap(({ where, spec }) =>
    [...(spec.initContainers ?? []), ...spec.containers].map((container) => ({
      at: `${where} ${container.name}`,
      container,
    })),
  );
  const instance = sample.metadata.name;
  const pipelineSelector = { 'app.kubernetes.io/name': 'recall-pipeline', 'app.kubernetes.io/instance': instance };

  it('covers the run Jobs, the Airflow pod templates and, in the full sample, the tools', () => {
    const where = pods.map((pod) => pod.where);
    expect(where).toEqual(
      expect.arrayContaining([
        `Job/${instance}-produce-1`,
        `Job/${instance}-consume-1`,
        `Job/${instance}-airflow-db-migrate`,
        `Deployment/${instance}-airflow-scheduler`,
        `${instance}-airflow-pod-templates/produce.yaml`,
        `${instance}-airflow-pod-templates/consume.yaml`,
      ]),
    );
    if (sample === fullSample) {
      expect(where).toEqual(
        expect.arrayContaining([
          `Deployment/${instance}-kafka-ui`,
          `Deployment/${instance}-pgadmin`,
          `StatefulSet/${instance}-postgres`,
        ]),
      );
    }
    expect(containers.some(({ container }) => container.name === 'migrate')).toBe(true);
  });

  it('labels and annotates every object and pod with its pipeline, in the pipeline’s namespace', () => {
    const expected = {
      ...pipelineSelector,
      'app.kubernetes.io/part-of': 'recall-pipeline',
      'app.kubernetes.io/managed-by': 'recall-pipeline-operator',
    };
    for (const object of [...objects, ...runJobs]) {
      const at = `${object.kind}/${object.metadata.name}`;
      expect(object.metadata.namespace, at).toBe('recall');
      expect(object.metadata.labels, at).toMatchObject(expected);
      expect(object.metadata.labels?.['app.kubernetes.io/component'], at).toBeTruthy();
      expect(object.metadata.annotations?.['rappelconso.io/pipeline'], at).toBe(instance);
    }
    for (const { where, labels } of pods) {
      expect(labels, where).toMatchObject(expected);
      expect(labels['app.kubernetes.io/component'], where).toBeTruthy();
    }
  });

  it('runs every pod non-root under RuntimeDefault seccomp, every container without privilege or capabilities', () => {
    for (const { where, spec } of pods) {
      expect(spec.securityContext, where).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    for (const { at, container } of containers) {
      expect(container.securityContext, at).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
        privileged: false,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('mounts every root filesystem read-only but pgAdmin’s, whose entrypoint writes its configuration there', () => {
    const writable = containers.filter(({ container }) => container.securityContext?.readOnlyRootFilesystem !== true);
    expect(writable.map(({ at }) => at)).toEqual(
      sample === fullSample ? [`Deployment/${instance}-pgadmin pgadmin`] : [],
    );
    for (const { container } of writable) expect(container.securityContext?.readOnlyRootFilesystem).toBe(false);
  });

  it('gives every container, init containers included, CPU and memory requests and limits', () => {
    for (const { at, container } of containers) {
      for (const bound of ['requests', 'limits'] as const) {
        for (const resource of ['cpu', 'memory']) {
          expect(String(container.resources?.[bound]?.[resource]), `${at} ${bound}.${resource}`).toMatch(QUANTITY);
        }
      }
    }
  });

  it('puts no secret in a plain env value: credentials come from secretKeyRef', () => {
    for (const { at, container } of containers) {
      for (const variable of container.env ?? []) {
        const where = `${at} ${variable.name}`;
        if (SECRET_NAME.test(variable.name) && !SECRET_PATH.test(variable.name)) {
          expect(variable.value, where).toBeUndefined();
          expect(variable.valueFrom?.secretKeyRef, where).toBeDefined();
        }
        if (variable.value !== undefined) expect(variable.value, where).not.toMatch(CREDENTIALS_IN_URL);
      }
    }
  });

  it('lets only the pipeline’s own pods reach its PostgreSQL and its managed Kafka', () => {
    const peers = [{ podSelector: { matchLabels: pipelineSelector } }];
    // Every pod of the pipeline carries the peers' labels, so each one that needs the database or Kafka gets through.
    for (const { where, labels } of pods) expect(labels, where).toMatchObject(pipelineSelector);
    const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
    if (sample === externalDatabase) {
      // Someone else's server, fenced by its owner; the managed Kafka still is ours.
      expect(policies).toEqual([]);
    } else {
      expect(policies).toHaveLength(1);
      const policy = find(objects, 'NetworkPolicy', `${instance}-postgres-ingress`);
      expect(policy.spec).toEqual({
        podSelector: { matchLabels: { ...pipelineSelector, 'app.kubernetes.io/component': 'postgres' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: peers, ports: [{ protocol: 'TCP', port: POSTGRES_PORT }] }],
      });
      expect(find(objects, 'StatefulSet', `${instance}-postgres`).spec.template.metadata.labels).toMatchObject(
        policy.spec.podSelector.matchLabels,
      );
    }
    // Strimzi writes the listener's NetworkPolicy from networkPolicyPeers: one listener, this pipeline's pods only.
    expect(find(objects, 'Kafka', `${instance}-kafka`).spec.kafka.listeners).toEqual([
      { name: 'plain', port: 9092, type: 'internal', tls: false, networkPolicyPeers: peers },
    ]);
  });
});

describe('buildPipelineObjects, other modes', () => {
  it('with external Kafka and PostgreSQL, emits no KafkaTopic, no StatefulSet, and reads credentials from the user’s Secret', () => {
    const external = {
      metadata: { name: 'ext', namespace: 'data' },
      spec: {
        kafka: { mode: 'external', external: { bootstrapServers: ['kafka-0.example:9092', 'kafka-1.example:9092'] } },
        postgres: { mode: 'external', external: { host: 'db.example', secretRef: { name: 'db-credentials' } } },
        airflow: { enabled: false },
      },
    };
    expect(buildPipelineObjects(external)).toEqual([]);
    const consume = runJob(external, 'consume', 1).spec.template.spec as PodSpec;
    const env = consume.containers[0]!.env!;
    expect(env).toContainEqual({ name: 'KAFKA_BROKERS', value: 'kafka-0.example:9092,kafka-1.example:9092' });
    expect(env).toContainEqual({ name: 'PGSSLMODE', value: 'require' });
    expect(env).toContainEqual({
      name: 'PGUSER',
      valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'username' } },
    });
  });

  it('with an existing Strimzi cluster, labels the topics with that cluster and creates no Kafka', () => {
    const objects = buildPipelineObjects({
      metadata: { name: 'shared' },
      spec: { kafka: { mode: 'strimzi', strimzi: { clusterName: 'platform' } } },
    });
    expect(objects.some((object) => object.kind === 'Kafka')).toBe(false);
    expect(find(objects, 'KafkaTopic', 'shared-topic-main').metadata.labels?.['strimzi.io/cluster']).toBe('platform');
    expect(find(objects, 'KafkaTopic', 'shared-topic-main').metadata.namespace).toBe('default');
  });

  it('suspended: run Jobs suspended, and the scheduler kept to pause the DAG (airflow-construct.test.ts)', () => {
    const paused = { metadata: { name: 'paused' }, spec: { suspend: true } };
    const objects = buildPipelineObjects(paused);
    expect(runJob(paused, 'produce', 1).spec.suspend).toBe(true);
    const scheduler = find(objects, 'Deployment', 'paused-airflow-scheduler');
    expect(scheduler.spec.replicas).toBe(1);
    expect(scheduler.spec.template.spec.initContainers[1].args).toEqual(['dags', 'pause', 'paused']);
  });

  it('owns its objects when the pipeline has a uid, so deleting it deletes them', () => {
    // With Retain, the default, the generated Secrets that unlock the database are not owned (retained-data.test.ts).
    const spec = { postgres: { managed: { onDelete: 'Delete' } } };
    const objects = buildPipelineObjects({ metadata: { name: 'owned', uid: '1234' }, spec });
    for (const object of objects) {
      expect(object.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'rappelconso.io/v1alpha1',
          kind: 'RecallPipeline',
          name: 'owned',
          uid: '1234',
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
  });

  it('keeps every name within limits for a 253-character pipeline name', () => {
    const name = `${'long-'.repeat(50)}abc`;
    const objects = buildPipelineObjects({ metadata: { name } });
    for (const object of objects) {
      expect(object.metadata.name.length, object.metadata.name).toBeLessThanOrEqual(52);
      expect(object.metadata.labels?.['app.kubernetes.io/instance']?.length).toBeLessThanOrEqual(63);
      expect(object.metadata.annotations?.['rappelconso.io/pipeline']).toBe(name);
    }
  });

  it('is deterministic', () => {
    expect(buildPipelineObjects(fullSample)).toEqual(buildPipelineObjects(fullSample));
  });
});
