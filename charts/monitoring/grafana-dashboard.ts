/**
 * A Grafana dashboard of the per-pipeline series: readiness and phase, how long since the last
 * success, the table's rows over time, the last run's counts and duration, runs by result, dead
 * letters. `npm run synth` writes it to manifests/monitoring/ as JSON for Grafana's import (or a
 * provisioning folder); it asks for a Prometheus data source, and filters by namespace and pipeline.
 */
import { PIPELINE_SERIES } from './pipeline-series.ts';
import { NO_SUCCESS_ALERT_HOURS } from './prometheus-rule.ts';

const datasource = { type: 'prometheus', uid: '${datasource}' };
const selected = '{namespace=~"$namespace", pipeline=~"$pipeline"}';
const pipelineLegend = '{{namespace}}/{{pipeline}}';

/** One series of `metric` per selected pipeline, whichever replica exports it. */
const perPipeline = (metric: string, by = 'namespace, pipeline') => `max by (${by}) (${metric}${selected})`;

interface Query {
  readonly expr: string;
  readonly legendFormat: string;
  readonly instant?: boolean;
}

interface PanelOptions {
  readonly title: string;
  readonly description: string;
  readonly type: 'stat' | 'timeseries' | 'bargauge';
  readonly queries: readonly Query[];
  readonly gridPos: { x: number; y: number; w: number; h: number };
  readonly fieldConfig?: object;
  readonly options?: object;
}

function panel(id: number, { queries, fieldConfig, ...rest }: PanelOptions): object {
  return {
    id,
    datasource,
    ...rest,
    targets: queries.map(({ expr, legendFormat, instant = false }, index) => ({
      datasource,
      refId: String.fromCharCode(65 + index),
      expr,
      legendFormat,
      instant,
      range: !instant,
    })),
    fieldConfig: { defaults: {}, overrides: [], ...fieldConfig },
  };
}

const variable = (name: string, label: string, query: string) => ({
  name,
  label,
  type: 'query',
  datasource,
  definition: query,
  query,
  refresh: 2,
  includeAll: true,
  multi: true,
  allValue: '.*',
  current: { text: 'All', value: '$__all' },
  sort: 1,
});

const panels: PanelOptions[] = [
  {
    title: 'Ready',
    description: 'The pipeline’s Ready condition: Kafka, the database and Airflow are ready.',
    type: 'stat',
    queries: [{ expr: perPipeline(PIPELINE_SERIES.ready.name), legendFormat: pipelineLegend, instant: true }],
    gridPos: { x: 0, y: 0, w: 6, h: 5 },
    fieldConfig: {
      defaults: {
        mappings: [
          {
            type: 'value',
            options: { '0': { text: 'Not ready', color: 'red' }, '1': { text: 'Ready', color: 'green' } },
          },
        ],
        color: { mode: 'thresholds' },
        thresholds: { mode: 'absolute', steps: [{ color: 'red', value: null }] },
      },
    },
    options: { colorMode: 'background', graphMode: 'none', textMode: 'value_and_name' },
  },
  {
    title: 'Phase',
    description: 'status.phase: Pending, Provisioning, Ready, Running, Suspended or Failed.',
    type: 'stat',
    queries: [
      {
        expr: `${perPipeline(PIPELINE_SERIES.phase.name, 'namespace, pipeline, phase')} == 1`,
        legendFormat: `${pipelineLegend}: {{phase}}`,
        instant: true,
      },
    ],
    gridPos: { x: 6, y: 0, w: 6, h: 5 },
    options: { colorMode: 'none', graphMode: 'none', textMode: 'name' },
  },
  {
    title: 'Time since the last success',
    description: `When the last successful run ended; the alert RecallPipelineNoRecentSuccess fires past ${NO_SUCCESS_ALERT_HOURS} h.`,
    type: 'stat',
    queries: [
      {
        expr: `time() - ${perPipeline(PIPELINE_SERIES.lastSuccess.name)}`,
        legendFormat: pipelineLegend,
        instant: true,
      },
    ],
    gridPos: { x: 12, y: 0, w: 6, h: 5 },
    fieldConfig: {
      defaults: {
        unit: 's',
        color: { mode: 'thresholds' },
        thresholds: {
          mode: 'absolute',
          steps: [
            { color: 'green', value: null },
            { color: 'orange', value: 24 * 3600 },
            { color: 'red', value: NO_SUCCESS_ALERT_HOURS * 3600 },
          ],
        },
      },
    },
    options: { colorMode: 'background', graphMode: 'none', textMode: 'value_and_name' },
  },
  {
    title: 'Runs in the time range, by result',
    description: 'Runs that ended, of the Jobs and of Airflow, as the operator saw them end.',
    type: 'bargauge',
    queries: [
      {
        expr: `sum by (namespace, pipeline, result, runner) (increase(${PIPELINE_SERIES.runs.name}${selected}[$__range]))`,
        legendFormat: `${pipelineLegend} {{runner}} {{result}}`,
        instant: true,
      },
    ],
    gridPos: { x: 18, y: 0, w: 6, h: 5 },
    fieldConfig: { defaults: { decimals: 0, min: 0 } },
    options: { displayMode: 'basic', orientation: 'horizontal' },
  },
  {
    title: 'Rows in the table',
    description: 'Rows in the pipeline’s table after each run (status.totalRecordsLoaded).',
    type: 'timeseries',
    queries: [{ expr: perPipeline(PIPELINE_SERIES.tableRows.name), legendFormat: pipelineLegend }],
    gridPos: { x: 0, y: 5, w: 12, h: 8 },
    fieldConfig: { defaults: { decimals: 0, custom: { lineInterpolation: 'stepAfter' } } },
  },
  {
    title: 'Records of the last finished run',
    description: 'Sent to Kafka by the producer, and inserted or updated in the table by the consumer.',
    type: 'timeseries',
    queries: [
      { expr: perPipeline(PIPELINE_SERIES.lastRunProduced.name), legendFormat: `${pipelineLegend} produced` },
      { expr: perPipeline(PIPELINE_SERIES.lastRunLoaded.name), legendFormat: `${pipelineLegend} loaded` },
    ],
    gridPos: { x: 12, y: 5, w: 12, h: 8 },
    fieldConfig: { defaults: { decimals: 0, custom: { lineInterpolation: 'stepAfter' } } },
  },
  {
    title: 'Dead-lettered records of the last finished run',
    description:
      'Records sent to the dead-letter topic instead of the table; the alert RecallPipelineDeadLetters fires above 0.',
    type: 'timeseries',
    queries: [{ expr: perPipeline(PIPELINE_SERIES.lastRunDeadLettered.name), legendFormat: pipelineLegend }],
    gridPos: { x: 0, y: 13, w: 12, h: 8 },
    fieldConfig: {
      defaults: {
        decimals: 0,
        custom: { lineInterpolation: 'stepAfter' },
        color: { mode: 'thresholds' },
        thresholds: {
          mode: 'absolute',
          steps: [
            { color: 'green', value: null },
            { color: 'red', value: 1 },
          ],
        },
      },
    },
  },
  {
    title: 'Duration of the last finished run',
    description: 'From the producer’s start to the consumer’s end.',
    type: 'timeseries',
    queries: [{ expr: perPipeline(PIPELINE_SERIES.lastRunDuration.name), legendFormat: pipelineLegend }],
    gridPos: { x: 12, y: 13, w: 12, h: 8 },
    fieldConfig: { defaults: { unit: 's', custom: { lineInterpolation: 'stepAfter' } } },
  },
];

export function pipelineDashboard(): object {
  return {
    uid: 'recall-pipelines',
    title: 'Recall pipelines',
    description: 'The health of RecallPipelines, from the recall-pipeline-operator’s /metrics.',
    tags: ['recall-pipeline'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-7d', to: 'now' },
    refresh: '1m',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' },
        variable('namespace', 'Namespace', `label_values(${PIPELINE_SERIES.ready.name}, namespace)`),
        variable(
          'pipeline',
          'Pipeline',
          `label_values(${PIPELINE_SERIES.ready.name}{namespace=~"$namespace"}, pipeline)`,
        ),
      ],
    },
    panels: panels.map((options, index) => panel(index + 1, options)),
  };
}
