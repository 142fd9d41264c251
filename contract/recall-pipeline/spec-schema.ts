/**
 * The RecallPipeline spec: the single source from which the CRD's schema, its defaults and CEL
 * rules (contract/recall-pipeline/crd.ts) and the TypeScript types are generated.
 */
import { z } from 'zod';
import { airflowSpecSchema } from './airflow-spec.ts';
import { jobsSpecSchema } from './jobs-spec.ts';
import { kafkaSpecSchema } from './kafka-spec.ts';
import { postgresSpecSchema } from './postgres-spec.ts';
import { sourceSpecSchema } from './source-spec.ts';
import { toolsSpecSchema } from './tools-spec.ts';

export const recallPipelineSpecSchema = z
  .strictObject({
    source: sourceSpecSchema,
    kafka: kafkaSpecSchema,
    postgres: postgresSpecSchema,
    airflow: airflowSpecSchema,
    jobs: jobsSpecSchema,
    tools: toolsSpecSchema,
    suspend: z.boolean().default(false).meta({ description: 'Pause the pipeline: no new runs; what exists is kept.' }),
  })
  .prefault({})
  .meta({
    description:
      'A RappelConso product-recall pipeline: the open-data API, a Kafka topic, a PostgreSQL table, and Airflow running it on a schedule.',
  });

/** A spec after validation and defaulting: what the charts build from. */
export type RecallPipelineSpec = z.output<typeof recallPipelineSpecSchema>;
/** A spec as a user writes it: every defaulted field optional. */
export type RecallPipelineSpecInput = z.input<typeof recallPipelineSpecSchema>;
