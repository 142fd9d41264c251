/**
 * An example PrometheusRule (the Prometheus Operator's monitoring.coreos.com/v1) alerting on the
 * per-pipeline series: no successful run for too long, or never; the last run failed; the last run
 * dead-lettered records. `npm run synth` writes it to manifests/monitoring/.
 *
 * Only the leading replica exports per-pipeline series, and the series of a new leader come from
 * another pod: every expression aggregates `by (namespace, pipeline)`, so an alert keeps its
 * identity (and its `for`) across a failover, and its labels are the pipeline's alone.
 */
import { OPERATOR_LABELS, OPERATOR_NAMESPACE } from '../operator-install.ts';
import { PIPELINE_SERIES } from './pipeline-series.ts';

/** A daily schedule that missed one run still has a success within this many hours. */
export const NO_SUCCESS_ALERT_HOURS = 36;

const byPipeline = (expression: string) => `max by (namespace, pipeline) (${expression})`;
const pipelineNamed = 'RecallPipeline {{ $labels.namespace }}/{{ $labels.pipeline }}';
const lookAt =
  'See `kubectl describe rp {{ $labels.pipeline }} -n {{ $labels.namespace }}`: status.lastRun, the LastRunSucceeded condition and the Events.';
const window = `${NO_SUCCESS_ALERT_HOURS} * 3600`;

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string };
}

export const pipelineAlerts: readonly AlertRule[] = [
  {
    alert: 'RecallPipelineNoRecentSuccess',
    expr: `time() - ${byPipeline(PIPELINE_SERIES.lastSuccess.name)} > ${window}`,
    for: '15m',
    labels: { severity: 'critical' },
    annotations: {
      summary: `${pipelineNamed}: no successful run in ${NO_SUCCESS_ALERT_HOURS} h`,
      description: `The last successful run of ${pipelineNamed} ended {{ $value | humanizeDuration }} ago: its table misses every recall published since. ${lookAt}`,
    },
  },
  {
    alert: 'RecallPipelineNeverSucceeded',
    // A success exported at any time in the window counts, even by a replica since restarted.
    expr: [
      `time() - ${byPipeline(PIPELINE_SERIES.created.name)} > ${window}`,
      `unless on (namespace, pipeline)`,
      byPipeline(`max_over_time(${PIPELINE_SERIES.lastSuccess.name}[${NO_SUCCESS_ALERT_HOURS}h])`),
    ].join('\n'),
    for: '15m',
    labels: { severity: 'critical' },
    annotations: {
      summary: `${pipelineNamed}: no successful run known since it was created`,
      description: `${pipelineNamed} was created {{ $value | humanizeDuration }} ago and no successful run of it is known in the last ${NO_SUCCESS_ALERT_HOURS} h (none yet, or the operator restarted after a failed run). ${lookAt}`,
    },
  },
  {
    alert: 'RecallPipelineLastRunFailed',
    expr: `${byPipeline(PIPELINE_SERIES.lastRunSucceeded.name)} == 0`,
    labels: { severity: 'warning' },
    annotations: {
      summary: `${pipelineNamed}: the last run failed`,
      description: `The last finished run of ${pipelineNamed} failed; the next scheduled run, or the rappelconso.io/run-now annotation, tries again. ${lookAt}`,
    },
  },
  {
    alert: 'RecallPipelineDeadLetters',
    expr: `${byPipeline(PIPELINE_SERIES.lastRunDeadLettered.name)} > 0`,
    labels: { severity: 'warning' },
    annotations: {
      summary: `${pipelineNamed}: {{ $value }} record(s) dead-lettered by the last run`,
      description: `The last finished run of ${pipelineNamed} sent {{ $value }} record(s) to the pipeline’s dead-letter topic instead of its table: records the producer or the consumer could not handle. ${lookAt}`,
    },
  },
];

export function pipelinePrometheusRule(namespace = OPERATOR_NAMESPACE): object {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'recall-pipeline-alerts', namespace, labels: { ...OPERATOR_LABELS } },
    spec: {
      groups: [{ name: 'recall-pipeline', rules: pipelineAlerts }],
    },
  };
}
