/**
 * The one builder of the data-plane pods (producer, consumer, migrations). The producer and
 * consumer Jobs and the pod templates Airflow's KubernetesPodOperator launches both call it, so a
 * run by hand, on create and on schedule are the same pod.
 */
import { k8s } from 'cdk8s-plus-28';
import { IMAGE_RECALL_ENTRYPOINT, PIPELINE_IMAGE_USER } from '../contract/pipeline-defaults.ts';
import { REPORT_FILE_VARIABLE } from '../contract/run-report.ts';
import { postgresEnv, type PipelineContext } from './pipeline-context.ts';
import { containerSecurityContext, podSecurityContext, resourceRequirements, scratchVolume } from './security.ts';

export const PIPELINE_STEPS = ['produce', 'consume', 'migrate'] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/**
 * Node flags of the producer and consumer pods (bench/suites/memory.ts runs them with these too).
 * By default V8 lets a process that allocates fast grow its young generation to 3 × 16 MB and its
 * old space far past what is alive, which for the consumer was 376 MB at the real records' size and
 * 609 MB at 30 times it, while its live heap stays under 60 MB. With these the peak stays under
 * 150 MB at every size, at a real price in collections: the consumer's CPU at 10 times the records
 * went from 7-9 s to 17-20 s, the producer's up by 30-50 %. A Job that runs once a day can pay
 * that; one OOM-killed at the pod's limit loads nothing.
 */
export const JOB_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  '--max-old-space-size=96',
  // kafkajs 2.2.4 sets a timer with a negative delay, which Node clamps to the 1 ms it means and
  // warns about in every run: three lines of noise in each task log Airflow shows.
  '--disable-warning=TimeoutNegativeWarning',
];

/** The `recall` command as the image runs it (its working directory is the project's root). */
const RECALL = ['node', ...JOB_NODE_FLAGS, IMAGE_RECALL_ENTRYPOINT];

const tmp = scratchVolume('tmp', '/tmp');

/** Kubernetes' default path, named so the report and the pod spec agree on it. */
const TERMINATION_MESSAGE_PATH = '/dev/termination-log';

/** Flags given only when the spec sets them; otherwise the data plane's own defaults apply. */
function optionalFlags(flags: Record<string, string | number | undefined>): string[] {
  return Object.entries(flags).flatMap(([flag, value]) => (value === undefined ? [] : [`--${flag}`, String(value)]));
}

/** Dead-letter topic flag only when it is not the shared default derived from the topic. */
function deadLetterFlag(ctx: PipelineContext): Record<string, string | undefined> {
  return { 'dead-letter-topic': ctx.spec.kafka.deadLetterTopic };
}

export function pipelineArgs(ctx: PipelineContext, step: PipelineStep): string[] {
  const { source, postgres } = ctx.spec;
  switch (step) {
    case 'produce':
      return [
        'produce',
        ...['--pipeline', ctx.name, '--dataset', source.dataset, '--api-url', source.apiUrl, '--topic', ctx.topic],
        ...optionalFlags({
          'page-size': source.pageSize,
          // The producer's name for the first day to read.
          since: source.startDate,
          filter: source.filter,
          ...deadLetterFlag(ctx),
        }),
      ];
    case 'consume':
      return [
        'consume',
        ...['--pipeline', ctx.name, '--topic', ctx.topic, '--table', postgres.table, '--until-caught-up'],
        ...optionalFlags(deadLetterFlag(ctx)),
      ];
    case 'migrate':
      return ['migrate', '--table', postgres.table];
  }
}

export function pipelineContainer(ctx: PipelineContext, step: PipelineStep, name: string = step): k8s.Container {
  const usesKafka = step !== 'migrate';
  return {
    name,
    image: ctx.spec.jobs.image,
    command: RECALL,
    args: pipelineArgs(ctx, step),
    env: [
      ...postgresEnv(ctx.postgresConnection),
      ...(usesKafka ? [{ name: 'KAFKA_BROKERS', value: ctx.bootstrapServers }] : []),
      // The run's counts become the container's termination message, which the operator reads.
      ...(usesKafka ? [{ name: REPORT_FILE_VARIABLE, value: TERMINATION_MESSAGE_PATH }] : []),
    ],
    terminationMessagePath: TERMINATION_MESSAGE_PATH,
    // A failure writes no report: the log's tail tells why instead, in the pod's status.
    terminationMessagePolicy: 'FallbackToLogsOnError',
    resources: resourceRequirements(ctx.spec.jobs.resources),
    securityContext: containerSecurityContext({ readOnlyRootFilesystem: true }),
    volumeMounts: [tmp.mount],
  };
}

export interface PipelinePodOptions {
  /** The main container's name: KubernetesPodOperator requires `base`. */
  readonly containerName?: string;
}

/** A run-to-completion pod of one step; the consumer migrates the table first, in an init container. */
export function pipelinePodSpec(
  ctx: PipelineContext,
  step: Exclude<PipelineStep, 'migrate'>,
  options: PipelinePodOptions = {},
): k8s.PodSpec {
  return {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurityContext(PIPELINE_IMAGE_USER),
    initContainers: step === 'consume' ? [pipelineContainer(ctx, 'migrate')] : [],
    containers: [pipelineContainer(ctx, step, options.containerName)],
    volumes: [tmp.volume],
  };
}

export function pipelinePodLabels(ctx: PipelineContext, step: PipelineStep): Record<string, string> {
  return { ...ctx.labels, ...ctx.selector(step) };
}
