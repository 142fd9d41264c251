/**
 * Every object one RecallPipeline needs, as one cdk8s chart: what the operator applies in each
 * reconcile and what `npm run synth` renders for the samples.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { API_GROUP_VERSION, KIND } from '../contract/recall-pipeline/group.ts';
import { parseRecallPipeline } from '../contract/recall-pipeline/recall-pipeline.ts';
import { DEFAULT_POSTGRES_IMAGE } from '../contract/recall-pipeline/postgres-spec.ts';
import { AirflowConstruct, podTemplate } from './airflow-construct.ts';
import { RunJobConstruct, runJobProps, type RunStep } from './jobs-construct.ts';
import { KafkaConstruct } from './kafka-construct.ts';
import { KAFKA_UI_COMPONENT, KafkaUiConstruct } from './kafka-ui-construct.ts';
import { instanceSelector, PIPELINE_ANNOTATION, RETAIN_LABEL } from './labels.ts';
import { NetworkPoliciesConstruct } from './network-policies-construct.ts';
import { PGADMIN_COMPONENT, PgAdminConstruct } from './pgadmin-construct.ts';
import { pipelineContext, type ContextOptions, type PipelineContext } from './pipeline-context.ts';
import { POSTGRES_COMPONENT, PostgresConstruct } from './postgres-construct.ts';
import { pipelineTopics } from './topics.ts';

/** A Kubernetes object as plain JSON, ready for server-side apply. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }>;
  };
  [field: string]: unknown;
}

/** Every object of one pipeline, from its context: the spec parsed and derived once, by the caller. */
export class PipelineChart extends Chart {
  constructor(scope: Construct, id: string, ctx: PipelineContext) {
    super(scope, id, { namespace: ctx.namespace, labels: ctx.labels, disableResourceNameHashes: true });
    if (ctx.kafka.mode !== 'external') {
      const { kafka } = ctx;
      new KafkaConstruct(this, 'kafka', {
        labels: ctx.labels,
        cluster: kafka.cluster,
        // Named by role, not by topic: a topic name may hold "_" or capitals, which object names may not.
        topics: pipelineTopics(ctx).map((topic) => ({ ...topic, objectName: ctx.objectName(`topic-${topic.role}`) })),
        ...(kafka.mode === 'managed' && {
          managed: { nodePool: kafka.nodePool, settings: kafka.settings, clients: instanceSelector(ctx.name) },
        }),
      });
    }
    if (ctx.postgres.mode === 'managed') {
      const postgresSelector = ctx.selector(POSTGRES_COMPONENT);
      new PostgresConstruct(this, 'postgres', {
        name: ctx.postgresName,
        labels: ctx.labels,
        selector: postgresSelector,
        database: ctx.postgresConnection.database,
        settings: ctx.postgres.settings,
        retainPassword: ctx.databaseOutlivesPipeline,
      });
      new NetworkPoliciesConstruct(this, 'network-policies', {
        postgresPolicyName: ctx.objectName('postgres-ingress'),
        labels: ctx.labels,
        postgresSelector,
        pipelineSelector: instanceSelector(ctx.name),
      });
    }
    if (ctx.spec.airflow.enabled) {
      new AirflowConstruct(this, 'airflow', {
        pipeline: ctx.name,
        namespace: ctx.namespace,
        labels: ctx.labels,
        settings: ctx.spec.airflow,
        suspended: ctx.spec.suspend,
        dagSource: ctx.dagSource,
        podTemplates: { produce: podTemplate(ctx, 'produce'), consume: podTemplate(ctx, 'consume') },
        postgres: ctx.postgresConnection,
        psqlImage: ctx.postgres.mode === 'managed' ? ctx.postgres.settings.image : DEFAULT_POSTGRES_IMAGE,
        retainSecrets: ctx.databaseOutlivesPipeline,
      });
    }
    const { kafkaUi, pgAdmin } = ctx.spec.tools;
    if (kafkaUi.enabled) {
      new KafkaUiConstruct(this, 'kafka-ui', {
        name: ctx.objectName(KAFKA_UI_COMPONENT),
        labels: ctx.labels,
        selector: ctx.selector(KAFKA_UI_COMPONENT),
        image: kafkaUi.image,
        clusterName: ctx.name,
        bootstrapServers: ctx.bootstrapServers,
      });
    }
    if (pgAdmin.enabled) {
      new PgAdminConstruct(this, 'pgadmin', {
        name: ctx.objectName(PGADMIN_COMPONENT),
        labels: ctx.labels,
        selector: ctx.selector(PGADMIN_COMPONENT),
        image: pgAdmin.image,
        email: pgAdmin.email,
        connection: ctx.postgresConnection,
        serverName: ctx.name,
      });
    }

    ownByPipeline(this, ctx);
  }
}

/**
 * Marks every object of `chart` as the pipeline's: the annotation with its full name and, when the
 * pipeline exists in a cluster, a controller owner reference, so deleting it deletes them; except
 * those labelled to be retained, which must outlive it.
 */
function ownByPipeline(chart: Chart, ctx: PipelineContext): void {
  for (const child of chart.node.findAll()) {
    if (!(child instanceof ApiObject)) continue;
    child.metadata.addAnnotation(PIPELINE_ANNOTATION, ctx.name);
    if (ctx.uid !== undefined && child.metadata.getLabel(RETAIN_LABEL) !== 'true') {
      child.metadata.addOwnerReference({
        apiVersion: API_GROUP_VERSION,
        kind: KIND,
        name: ctx.name,
        uid: ctx.uid,
        controller: true,
        blockOwnerDeletion: true,
      });
    }
  }
}

/** The desired objects of one pipeline, as plain JSON, from its context. */
export function pipelineObjects(ctx: PipelineContext): KubernetesObject[] {
  return new PipelineChart(new App(), 'pipeline', ctx).toJson() as KubernetesObject[];
}

/** The Job of one step of run number `run` (charts/jobs-construct.ts), owned like the other objects. */
export function runJob(ctx: PipelineContext, step: RunStep, run: number): KubernetesObject {
  const chart = new Chart(new App(), 'run', {
    namespace: ctx.namespace,
    labels: ctx.labels,
    disableResourceNameHashes: true,
  });
  new RunJobConstruct(chart, step, runJobProps(ctx, step, run));
  ownByPipeline(chart, ctx);
  return chart.toJson()[0] as KubernetesObject;
}

/**
 * The desired objects of a RecallPipeline as written: validated and defaulted first
 * (InvalidRecallPipelineError names each bad field), so a resource read back from the apiserver
 * and one written by hand give the same objects. For samples and tests; the operator parses once
 * per reconcile and calls pipelineObjects.
 */
export function buildPipelineObjects(pipeline: unknown, options: ContextOptions = {}): KubernetesObject[] {
  return pipelineObjects(pipelineContext(parseRecallPipeline(pipeline), options));
}

/** runJob for a RecallPipeline as written. */
export function buildRunJob(
  pipeline: unknown,
  step: RunStep,
  run: number,
  options: ContextOptions = {},
): KubernetesObject {
  return runJob(pipelineContext(parseRecallPipeline(pipeline), options), step, run);
}
