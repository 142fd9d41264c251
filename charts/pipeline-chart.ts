/**
 * Every object one RecallPipeline needs, as one cdk8s chart: what the operator applies in each
 * reconcile and what `npm run synth` renders for the samples.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { API_GROUP_VERSION, KIND } from './api/group.ts';
import { parseRecallPipeline, type RecallPipeline } from './api/recall-pipeline.ts';
import { AirflowConstruct } from './airflow-construct.ts';
import { PipelineJobsConstruct } from './jobs-construct.ts';
import { KafkaConstruct } from './kafka-construct.ts';
import { KafkaUiConstruct } from './kafka-ui-construct.ts';
import { PIPELINE_ANNOTATION } from './labels.ts';
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
    new PipelineJobsConstruct(this, 'jobs', ctx);
    new KafkaUiConstruct(this, 'kafka-ui', ctx);
    new PgAdminConstruct(this, 'pgadmin', ctx);

    // When the pipeline exists in a cluster, its objects are its dependents: deleting it deletes them.
    const { uid } = pipeline.metadata;
    for (const child of this.node.findAll()) {
      if (!(child instanceof ApiObject)) continue;
      child.metadata.addAnnotation(PIPELINE_ANNOTATION, ctx.name);
      if (uid !== undefined) {
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
