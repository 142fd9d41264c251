/**
 * The Job of one step of one run. Runs are events, not steady state: the pipeline chart does not
 * emit them; the operator builds a run's Jobs with `buildRunJob` (pipeline-chart.ts) when a run
 * starts (on create, on the run-now annotation), the producer first and the consumer once the
 * producer has completed, from the same pod builder as Airflow's pod templates.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RUN_LABEL, type Labels } from './labels.ts';
import type { PipelineContext } from './pipeline-context.ts';
import { pipelinePodLabels, pipelinePodSpec } from './pipeline-pod.ts';

/** A run's steps, in order: the consumer stops once it has caught up with what the producer sent. */
export const RUN_STEPS = ['produce', 'consume'] as const;
export type RunStep = (typeof RUN_STEPS)[number];

/** `<pipeline>-<step>-<run>`: one name per step and run, so a retried create finds its own Job. */
export function runJobName(ctx: PipelineContext, step: RunStep, run: number): string {
  return ctx.objectName(`${step}-${run}`);
}

export interface RunJobProps {
  /** runJobName: one per step and run. */
  readonly name: string;
  /** The step's pod labels; the run's number is added to them. */
  readonly labels: Labels;
  readonly run: number;
  /** The step's pod (charts/pipeline-pod.ts), as Airflow's pod templates have it. */
  readonly podSpec: k8s.PodSpec;
  /** Retries of a failed pod before the Job, and so the run, fails. */
  readonly backoffLimit: number;
  /** A suspended Job starts no pod; the operator flips it with spec.suspend. */
  readonly suspended: boolean;
}

export class RunJobConstruct extends Construct {
  constructor(scope: Construct, id: string, props: RunJobProps) {
    super(scope, id);
    const labels = { ...props.labels, [RUN_LABEL]: String(props.run) };
    new k8s.KubeJob(this, 'job', {
      metadata: { name: props.name, labels },
      spec: {
        backoffLimit: props.backoffLimit,
        suspend: props.suspended,
        template: { metadata: { labels }, spec: props.podSpec },
      },
    });
  }
}

/** The props of the Job of `step` in run number `run` of the pipeline `ctx` describes. */
export function runJobProps(ctx: PipelineContext, step: RunStep, run: number): RunJobProps {
  return {
    name: runJobName(ctx, step, run),
    labels: pipelinePodLabels(ctx, step),
    run,
    podSpec: pipelinePodSpec(ctx, step),
    backoffLimit: ctx.spec.jobs.backoffLimit,
    suspended: ctx.spec.suspend,
  };
}
