/**
 * Every object one RecallPipeline needs, as one cdk8s chart: what the operator applies in each
 * reconcile and what `npm run synth` renders for the samples.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { API_GROUP_VERSION, KIND } from './api/group.ts';
import { parseRecallPipeline, type RecallPipeline } from './api/recall-pipeline.ts';
import { AirflowConstruct } from './airflow-construct.ts';
import { RunJobConstruct, type RunStep } from './jobs-construct.ts';
import { KafkaConstruct } from './kafka-construct.ts';
import { KafkaUiConstruct } from './kafka-ui-construct.ts';
import { PIPELINE_ANNOTATION, RETAIN_LABEL } from './labels.ts';
import { NetworkPoliciesConstruct } from './network-policies-construct.ts';
import { PgAdminConstruct } from './pgadmin-construct.ts';
import { pipelineContext, type ContextOptions, type PipelineContext } from './pipeline-context.ts';
import { PostgresConstruct } from './postgres-construct.ts';

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

export class PipelineChart extends Chart {
  readonly context: PipelineContext;

  constructor(scope: Construct, id: string, pipeline: RecallPipeline, options: ContextOptions = {}) {
    const ctx = pipelineContext(pipeline, options);
    super(scope, id, { namespace: ctx.namespace, labels: ctx.labels, disableResourceNameHashes: true });
    this.context = ctx;
    new KafkaConstruct(this, 'kafka', ctx);
    new PostgresConstruct(this, 'postgres', ctx);
    new NetworkPoliciesConstruct(this, 'network-policies', ctx);
    new AirflowConstruct(this, 'airflow', ctx);
    new KafkaUiConstruct(this, 'kafka-ui', ctx);
    new PgAdminConstruct(this, 'pgadmin', ctx);

    ownByPipeline(this, ctx, pipeline);
  }
}

/**
 * Marks every object of `chart` as the pipeline's: the annotation with its full name and, when the
 * pipeline exists in a cluster, a controller owner reference, so deleting it deletes them; except
 * those labelled to be retained, which must outlive it.
 */
function ownByPipeline(chart: Chart, ctx: PipelineContext, pipeline: RecallPipeline): void {
  const { uid } = pipeline.metadata;
  for (const child of chart.node.findAll()) {
    if (!(child instanceof ApiObject)) continue;
    child.metadata.addAnnotation(PIPELINE_ANNOTATION, ctx.name);
    if (uid !== undefined && child.metadata.getLabel(RETAIN_LABEL) !== 'true') {
      child.metadata.addOwnerReference({
        apiVersion: API_GROUP_VERSION,
        kind: KIND,
        name: ctx.name,
        uid,
        controller: true,
        blockOwnerDeletion: true,
      });
    }
  }
}

/**
 * The desired objects of one RecallPipeline, as plain JSON. The input is validated and defaulted
 * first (InvalidRecallPipelineError names each bad field), so a resource read back from the
 * apiserver and one written by hand give the same objects.
 */
export function buildPipelineObjects(pipeline: unknown, options: ContextOptions = {}): KubernetesObject[] {
  const app = new App();
  const chart = new PipelineChart(app, 'pipeline', parseRecallPipeline(pipeline), options);
  return chart.toJson() as KubernetesObject[];
}

/** The Job of one step of run number `run` (charts/jobs-construct.ts), owned like the other objects. */
export function buildRunJob(
  pipeline: unknown,
  step: RunStep,
  run: number,
  options: ContextOptions = {},
): KubernetesObject {
  const parsed = parseRecallPipeline(pipeline);
  const ctx = pipelineContext(parsed, options);
  const chart = new Chart(new App(), 'run', {
    namespace: ctx.namespace,
    labels: ctx.labels,
    disableResourceNameHashes: true,
  });
  new RunJobConstruct(chart, step, ctx, step, run);
  ownByPipeline(chart, ctx, parsed);
  return chart.toJson()[0] as KubernetesObject;
}
