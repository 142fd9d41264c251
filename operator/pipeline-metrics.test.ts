import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import { PipelineMetrics } from './pipeline-metrics.ts';

const running: RecallPipelineStatus = {
  phase: 'Running',
  conditions: [
    { type: 'Ready', status: 'True', reason: 'Ready', message: 'ready', lastTransitionTime: '2026-03-01T00:00:00Z' },
  ],
  lastRun: {
    number: 1,
    runner: 'Jobs',
    startTime: '2026-03-02T10:00:00Z',
    recordsProduced: 8810,
    recordsLoaded: 0,
    recordsDeadLettered: 2,
  },
};
const done: RecallPipelineStatus = {
  ...running,
  phase: 'Ready',
  lastRun: {
    ...running.lastRun!,
    completionTime: '2026-03-02T10:01:40Z',
    succeeded: true,
    recordsLoaded: 8803,
    recordsDeadLettered: 3,
  },
  totalRecordsLoaded: 8803,
};

function metricsWithOneRun() {
  const registry = new Registry();
  const metrics = new PipelineMetrics(registry);
  metrics.observe('recall/rp', { previous: undefined, status: running, creationTimestamp: '2026-03-01T00:00:00Z' });
  metrics.observe('recall/rp', { previous: running, status: done, creationTimestamp: '2026-03-01T00:00:00Z' });
  metrics.observe('other/rp', { previous: undefined, status: running });
  return { registry, metrics };
}

/** The sample lines of one pipeline, in the text format Prometheus scrapes. */
async function samplesOf(registry: Registry, namespace: string): Promise<string[]> {
  return (await registry.metrics())
    .split('\n')
    .filter((line) => line.includes(`namespace="${namespace}"`))
    .sort();
}

describe('per-pipeline metrics', () => {
  it('serves each pipeline’s health, labelled by namespace and pipeline only (and the bounded phase, result, runner)', async () => {
    const { registry } = metricsWithOneRun();
    const labels = 'namespace="recall",pipeline="rp"';
    expect(await samplesOf(registry, 'recall')).toEqual(
      [
        `recall_pipeline_ready{${labels}} 1`,
        `recall_pipeline_created_timestamp_seconds{${labels}} ${Date.parse('2026-03-01T00:00:00Z') / 1000}`,
        `recall_pipeline_table_rows{${labels}} 8803`,
        `recall_pipeline_last_success_timestamp_seconds{${labels}} ${Date.parse('2026-03-02T10:01:40Z') / 1000}`,
        `recall_pipeline_last_run_succeeded{${labels}} 1`,
        `recall_pipeline_last_run_duration_seconds{${labels}} 100`,
        `recall_pipeline_last_run_records_produced{${labels}} 8810`,
        `recall_pipeline_last_run_records_loaded{${labels}} 8803`,
        `recall_pipeline_last_run_records_dead_lettered{${labels}} 3`,
        `recall_pipeline_phase{${labels},phase="Pending"} 0`,
        `recall_pipeline_phase{${labels},phase="Provisioning"} 0`,
        `recall_pipeline_phase{${labels},phase="Ready"} 1`,
        `recall_pipeline_phase{${labels},phase="Running"} 0`,
        `recall_pipeline_phase{${labels},phase="Suspended"} 0`,
        `recall_pipeline_phase{${labels},phase="Failed"} 0`,
        `recall_pipeline_runs_total{${labels},result="succeeded",runner="Jobs"} 1`,
        `recall_pipeline_runs_total{${labels},result="succeeded",runner="Airflow"} 0`,
        `recall_pipeline_runs_total{${labels},result="failed",runner="Jobs"} 0`,
        `recall_pipeline_runs_total{${labels},result="failed",runner="Airflow"} 0`,
      ].sort(),
    );
    // A run under way, never finished in this process: no last-run series yet, the runs counted at 0.
    const other = await samplesOf(registry, 'other');
    expect(other.filter((line) => line.startsWith('recall_pipeline_last_'))).toEqual([]);
    expect(other.filter((line) => line.startsWith('recall_pipeline_runs_total'))).toHaveLength(4);
  });

  it('drops a forgotten pipeline’s series, and no other', async () => {
    const { registry, metrics } = metricsWithOneRun();
    metrics.forget('recall/rp');
    expect(await samplesOf(registry, 'recall')).toEqual([]);
    expect(await samplesOf(registry, 'other')).not.toEqual([]);
  });

  it('exports nothing per pipeline once this replica stops reconciling, until it leads again', async () => {
    const { registry, metrics } = metricsWithOneRun();
    metrics.stopExporting();
    metrics.observe('recall/rp', { previous: running, status: done });
    expect((await registry.metrics()).split('\n').filter((line) => line.startsWith('recall_pipeline_'))).toEqual([]);
    metrics.startExporting();
    expect(await samplesOf(registry, 'recall')).toEqual([]);
    metrics.observe('recall/rp', { previous: done, status: done });
    expect(await samplesOf(registry, 'recall')).toContain('recall_pipeline_ready{namespace="recall",pipeline="rp"} 1');
  });
});
