/**
 * The Job of one step of one run. Runs are events, not steady state: the pipeline chart does not
 * emit them; the operator builds a run's Jobs with `buildRunJob` (pipeline-chart.ts) when a run
 * starts (on create, on the run-now annotation), the producer first and the consumer once the
 * producer has completed, from the same pod builder as Airflow's pod templates.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RUN_LABEL } from './labels.ts';
import type { PipelineContext } from './pipeline-context.ts';
import { pipelinePodLabels, pipelinePodSpec } from './pipeline-pod.ts';

/** A run's steps, in order: the consumer stops once it has caught up with what the producer sent. */
export const RUN_STEPS = ['produce', 'consume'] as const;
export type RunStep = (typeof RUN_STEPS)[number];

/** `<pipeline>-<step>-<run>`: one name per step and run, so a retried create finds its own Job. */
export function runJobName(ctx: PipelineContext, step: RunStep, run: number): string {
  return ctx.objectName(`${step}-${run}`);
}

export class RunJobConstruct extends Construct {
  constructor(scope: Construct, id: string, ctx: PipelineContext, step: RunStep, run: number) {
    super(scope, id);
    const labels = { ...pipelinePodLabels(ctx, step), [RUN_LABEL]: String(run) };
    new k8s.KubeJob(this, 'job', {
      metadata: { name: runJobName(ctx, step, run), labels },
      spec: {
        backoffLimit: ctx.spec.jobs.backoffLimit,
        suspend: ctx.spec.suspend,
        template: { metadata: { labels }, spec: pipelinePodSpec(ctx, step) },
      },
    });
  }
}
