/** `spec.airflow`: Airflow 3, whose DAG runs the producer and the consumer on a schedule. */
import { z } from 'zod';
import { versions } from '../versions.ts';
import { image, sqlIdentifier } from './field-formats.ts';
import { resourcesSchema } from './resources-schema.ts';

export const DEFAULT_AIRFLOW_IMAGE = `apache/airflow:${versions.airflow}`;

/** The original pipeline ran once a day. */
export const DEFAULT_SCHEDULE = '@daily';

export const airflowSpecSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({ description: 'Run Airflow; without it only the Jobs run.' }),
    schedule: z
      .string()
      .max(128)
      .regex(
        /^(@(once|hourly|daily|weekly|monthly|quarterly|yearly|continuous)|(\S+\s+){4}\S+)$/,
        'must be a cron expression of five fields or an Airflow preset such as @daily',
      )
      .default(DEFAULT_SCHEDULE)
      .meta({ description: 'When the DAG runs: a cron expression or an Airflow preset (@daily, @hourly...).' }),
    image: image
      .default(DEFAULT_AIRFLOW_IMAGE)
      .meta({ description: 'An Airflow 3 image with the cncf.kubernetes provider (the official image has it).' }),
    database: sqlIdentifier
      .default('airflow')
      .meta({ description: 'Airflow’s metadata database, created in the pipeline’s PostgreSQL server.' }),
    // Measured on kind (npm run bench cluster): the api-server, dag-processor and triggerer peak
    // at 250-270 MiB, the migration Job at 145 MiB; the scheduler, whose pod runs each task's
    // process beside its own, at 506 MiB. Requests about 1.2 times the peaks, limits about twice.
    resources: resourcesSchema(
      { requests: { cpu: '100m', memory: '320Mi' }, limits: { cpu: '1', memory: '640Mi' } },
      'each Airflow component but the scheduler',
    ),
    schedulerResources: resourcesSchema(
      { requests: { cpu: '100m', memory: '640Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      'Airflow’s scheduler, whose pod runs the DAG’s tasks (LocalExecutor)',
    ),
  })
  .prefault({})
  .meta({ description: 'Airflow 3 (LocalExecutor) whose DAG runs the producer and the consumer on a schedule.' });

export type AirflowSpec = z.output<typeof airflowSpecSchema>;
