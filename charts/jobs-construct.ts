/**
 * The producer and consumer Jobs that run once when the pipeline is created (spec.jobs.runOnCreate),
 * from the same pod builder as Airflow's pod templates. Starting the consumer after the producer
 * has finished is the operator's part: the consumer stops once it has caught up.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { PipelineContext } from './pipeline-context.ts';
import { pipelinePodLabels, pipelinePodSpec } from './pipeline-pod.ts';

export const RUN_ON_CREATE_STEPS = ['produce', 'consume'] as const;

export class PipelineJobsConstruct extends Construct {
  constructor(scope: Construct, id: string, ctx: PipelineContext) {
    super(scope, id);
    if (!ctx.spec.jobs.runOnCreate) return;
    for (const step of RUN_ON_CREATE_STEPS) {
      const labels = pipelinePodLabels(ctx, step);
      new k8s.KubeJob(this, step, {
        metadata: { name: ctx.objectName(step), labels },
        spec: {
          backoffLimit: ctx.spec.jobs.backoffLimit,
          suspend: ctx.spec.suspend,
          template: { metadata: { labels }, spec: pipelinePodSpec(ctx, step) },
        },
      });
    }
  }
}
