/** `spec.jobs`: the producer and consumer pods, as Jobs and as the pods Airflow launches. */
import { z } from 'zod';
import { DEFAULT_PIPELINE_IMAGE } from '../pipeline-defaults.ts';
import { image } from './field-formats.ts';
import { resourcesSchema } from './resources-schema.ts';

export const jobsSpecSchema = z
  .strictObject({
    image: image
      .default(DEFAULT_PIPELINE_IMAGE)
      .meta({ description: 'The image with the recall command (producer, consumer, migrations).' }),
    runOnCreate: z
      .boolean()
      .default(true)
      .meta({ description: 'Run the producer and the consumer once as Jobs when the pipeline is created.' }),
    backoffLimit: z.int().min(0).max(20).default(3).meta({ description: 'Retries of each Job before it fails.' }),
    // Memory from bench/suites/memory.ts: with the pods' Node flags (charts/pipeline-pod.ts) either
    // command peaks at 125-152 MiB at 1, 10 and 30 times the real records; the request covers
    // that peak, the limit leaves two thirds more for records larger than the real ones.
    resources: resourcesSchema(
      { requests: { cpu: '100m', memory: '160Mi' }, limits: { cpu: '1', memory: '256Mi' } },
      'the producer and the consumer',
    ),
  })
  .prefault({})
  .meta({ description: 'The producer and consumer pods, run as Jobs and launched by Airflow.' });

export type JobsSpec = z.output<typeof jobsSpecSchema>;
