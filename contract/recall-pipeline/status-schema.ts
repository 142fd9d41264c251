/** The RecallPipeline status, written by the operator through the status subresource. */
import { z } from 'zod';

export const PHASES = ['Pending', 'Provisioning', 'Ready', 'Running', 'Suspended', 'Failed'] as const;
export type Phase = (typeof PHASES)[number];

/** The condition types the operator maintains; `Ready` sums up the others. */
export const CONDITION_TYPES = ['Ready', 'KafkaReady', 'DatabaseReady', 'AirflowReady', 'LastRunSucceeded'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** Who ran a run: the operator's Jobs, or Airflow's DAG. */
export const RUNNERS = ['Jobs', 'Airflow'] as const;
export type Runner = (typeof RUNNERS)[number];

const count = z.int().min(0);
const timestamp = z.iso.datetime();

/** metav1.Condition, with the apiserver's own limits. */
export const conditionSchema = z
  .strictObject({
    type: z
      .string()
      .max(316)
      .regex(
        /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
      )
      .meta({ description: `Type of condition: ${CONDITION_TYPES.join(', ')}.` }),
    status: z.enum(['True', 'False', 'Unknown']).meta({ description: 'True, False or Unknown.' }),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .meta({ description: 'The .metadata.generation this condition was set for.' }),
    lastTransitionTime: timestamp.meta({ description: 'When the status last changed.' }),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
      .meta({ description: 'Why, in CamelCase, for machines.' }),
    message: z.string().max(32768).meta({ description: 'Why, in words, for people.' }),
  })
  .meta({ description: 'One aspect of the pipeline’s state (metav1.Condition).' });

export type Condition = z.output<typeof conditionSchema>;

export const lastRunSchema = z
  .strictObject({
    number: z.int().min(1).meta({
      description:
        'The run’s sequence number, counting the Jobs’ and Airflow’s runs alike; a Jobs run’s Jobs are named <pipeline>-produce-<number> and <pipeline>-consume-<number>.',
    }),
    runner: z.enum(RUNNERS).optional().meta({
      description:
        'Who ran it: Jobs, the operator’s Jobs (on create or run-now); Airflow, a run of the pipeline’s DAG.',
    }),
    airflowRunId: z.string().max(250).optional().meta({
      description: 'The Airflow DAG run this run was, when Airflow ran it.',
    }),
    trigger: z.string().max(253).optional().meta({
      description:
        'The rappelconso.io/run-now annotation value this run answered (a run by Airflow keeps the one before it, so it is not answered twice); unset for the run on create.',
    }),
    startTime: timestamp.meta({ description: 'When the run started.' }),
    completionTime: timestamp.optional().meta({ description: 'When it ended; unset while it runs.' }),
    succeeded: z.boolean().optional().meta({ description: 'Whether it ended well; unset while it runs.' }),
    recordsProduced: count.default(0).meta({ description: 'Records the producer sent to Kafka.' }),
    recordsLoaded: count.default(0).meta({ description: 'Rows the consumer inserted or updated.' }),
    recordsDeadLettered: count.default(0).meta({ description: 'Records sent to the dead-letter topic.' }),
  })
  .meta({ description: 'The latest run of the producer and the consumer.' });

export const recallPipelineStatusSchema = z
  .strictObject({
    phase: z
      .enum(PHASES)
      .optional()
      .meta({ description: `Summary of the state: ${PHASES.join(', ')}.` }),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .meta({ description: 'The .metadata.generation the operator last reconciled.' }),
    conditions: z
      .array(conditionSchema)
      .max(16)
      .optional()
      .meta({
        description: 'The state of each aspect, one condition per type; Ready sums up the others.',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    lastRun: lastRunSchema.optional(),
    checkpoint: z
      .string()
      .max(1024)
      .optional()
      .meta({ description: 'Where the next incremental run resumes (the producer’s high-water mark).' }),
    totalRecordsLoaded: count.optional().meta({ description: 'Rows in the table after the last run.' }),
  })
  .meta({ description: 'What the operator observed; written through the status subresource.' });

export type RecallPipelineStatus = z.output<typeof recallPipelineStatusSchema>;
