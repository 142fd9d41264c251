/**
 * The per-pipeline series the operator exports on /metrics (operator/pipeline-metrics.ts), named
 * here once: the PrometheusRule and the Grafana dashboard beside this file query these names, and
 * a test checks that every name they query is one the operator serves.
 */

/**
 * The labels of every per-pipeline series; `phase`, `result` and `runner`, bounded enums, are added
 * where they are the point. Never a run's number or id: each would make a new series every run.
 */
export const PIPELINE_LABEL_NAMES = ['namespace', 'pipeline'] as const;

/** How a run ended, as `recall_pipeline_runs_total` counts it. */
export const RUN_RESULTS = ['succeeded', 'failed'] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

/** Help texts stay ASCII: Prometheus's tools show them verbatim, in any terminal. */
export interface SeriesName {
  readonly name: string;
  readonly help: string;
}

export const PIPELINE_SERIES = {
  ready: {
    name: 'recall_pipeline_ready',
    help: "1 while the pipeline's Ready condition is True, else 0",
  },
  phase: {
    name: 'recall_pipeline_phase',
    help: "1 for the pipeline's current status.phase, 0 for every other phase (label phase)",
  },
  created: {
    name: 'recall_pipeline_created_timestamp_seconds',
    help: 'When the pipeline was created (metadata.creationTimestamp), in seconds since the epoch',
  },
  lastSuccess: {
    name: 'recall_pipeline_last_success_timestamp_seconds',
    help: 'When the last successful run ended, in seconds since the epoch; absent until this operator process knows of one',
  },
  lastRunSucceeded: {
    name: 'recall_pipeline_last_run_succeeded',
    help: '1 when the last finished run succeeded, 0 when it failed; absent before the first finished run',
  },
  lastRunDuration: {
    name: 'recall_pipeline_last_run_duration_seconds',
    help: 'Time from the start to the end of the last finished run',
  },
  lastRunProduced: {
    name: 'recall_pipeline_last_run_records_produced',
    help: 'Records the producer sent to Kafka in the last finished run',
  },
  lastRunLoaded: {
    name: 'recall_pipeline_last_run_records_loaded',
    help: 'Rows the consumer inserted or updated in the last finished run',
  },
  lastRunDeadLettered: {
    name: 'recall_pipeline_last_run_records_dead_lettered',
    help: 'Records sent to the dead-letter topic in the last finished run',
  },
  runs: {
    name: 'recall_pipeline_runs_total',
    help: 'Runs seen ending by this operator process, by result (succeeded, failed) and runner (Jobs, Airflow)',
  },
  tableRows: {
    name: 'recall_pipeline_table_rows',
    help: "Rows in the pipeline's table after its last run (status.totalRecordsLoaded)",
  },
} as const satisfies Record<string, SeriesName>;
