/**
 * The operator's Prometheus metrics (prom-client), in a registry of their own so tests can create
 * several operators in one process: its own workings here, each pipeline's health in
 * pipeline-metrics.ts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PipelineMetrics } from './pipeline-metrics.ts';

export interface OperatorMetrics {
  readonly registry: Registry;
  readonly reconciles: Counter<'result'>;
  readonly reconcileErrors: Counter;
  readonly reconcileDuration: Histogram;
  readonly queueDepth: Gauge;
  readonly apiWrites: Counter<'verb'>;
  readonly apiRequests: Counter<'verb'>;
  readonly watchEvents: Counter<'kind'>;
  readonly leader: Gauge;
  readonly pipelines: PipelineMetrics;
}

export function createOperatorMetrics(options: { processMetrics?: boolean } = {}): OperatorMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'recall_operator_' });
  return {
    registry,
    reconciles: new Counter({
      name: 'recall_operator_reconciles_total',
      help: 'Reconciles of RecallPipelines, by result (success, error)',
      labelNames: ['result'],
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: 'recall_operator_reconcile_errors_total',
      help: 'Reconciles that failed and were queued for a retry',
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: 'recall_operator_reconcile_duration_seconds',
      help: 'Time of one reconcile, from dequeue to status written',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'recall_operator_queue_depth',
      help: 'RecallPipelines waiting for a reconcile',
      registers: [registry],
    }),
    apiWrites: new Counter({
      name: 'recall_operator_api_writes_total',
      help: 'Writes the operator sent to the Kubernetes API, by verb (apply, status, delete, event)',
      labelNames: ['verb'],
      registers: [registry],
    }),
    apiRequests: new Counter({
      name: 'recall_operator_api_requests_total',
      help: 'Every request the operator sent to the Kubernetes API (reads and writes, watches excepted), by verb',
      labelNames: ['verb'],
      registers: [registry],
    }),
    watchEvents: new Counter({
      name: 'recall_operator_watch_events_total',
      help: 'Objects added, changed or deleted as the caches saw them, by kind; standbys count them too',
      labelNames: ['kind'],
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'recall_operator_leader',
      help: '1 while this replica holds the leader lease',
      registers: [registry],
    }),
    pipelines: new PipelineMetrics(registry),
  };
}
