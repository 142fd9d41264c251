/**
 * spec.suspend as the DAG's pause, under real Airflow (from PyPI) on a SQLite metadata database:
 * the DAG file creates the DAG paused or not from RECALL_SUSPENDED, and the scheduler's
 * `apply-suspend` init container, its arguments run here as rendered for each value of
 * spec.suspend, pauses or unpauses it afterwards, and does no harm before the DAG's first parse.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { V1PodSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalSample } from '../../charts/samples/minimal.ts';
import { airflowHome, chartedAirflow, type AirflowHome, type ChartedAirflow } from './airflow-fixture.ts';

const DAG_ID = 'rappel-conso';

interface DagBagAnswer {
  importErrors: Record<string, string>;
  dags: Record<string, { pausedUponCreation: boolean }>;
}

/** The scheduler's init container that follows spec.suspend: its arguments to `airflow`. */
function applySuspendArgs(charted: ChartedAirflow): string[] {
  const scheduler = charted.objects.find(
    (object) =>
      object.kind === 'Deployment' && object.metadata.labels?.['app.kubernetes.io/component'] === 'airflow-scheduler',
  ) as unknown as { spec: { template: { spec: V1PodSpec } } };
  const container = scheduler.spec.template.spec.initContainers?.find(({ name }) => name === 'apply-suspend');
  if (!container?.args) throw new Error('the scheduler has no apply-suspend init container');
  return container.args;
}

describe('spec.suspend pauses the DAG, under real Airflow', () => {
  let templateDir: string;
  let running: ChartedAirflow;
  let suspended: ChartedAirflow;
  let home: AirflowHome;

  beforeAll(async () => {
    templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-pod-templates-'));
    running = chartedAirflow('recall', templateDir);
    suspended = chartedAirflow('recall', templateDir, { ...minimalSample, spec: { suspend: true } });
    home = await airflowHome(running.dag, { migrate: true });
  });

  afterAll(() => {
    home?.dispose();
    if (templateDir) fs.rmSync(templateDir, { recursive: true, force: true });
  });

  /** Runs the init container's command as the scheduler's pod would, with its RECALL_* settings. */
  async function applySuspend(charted: ChartedAirflow): Promise<string> {
    const { code, output } = await home.airflow(applySuspendArgs(charted), charted.settings).done;
    expect(code, output.slice(-3000)).toBe(0);
    return output;
  }

  const paused = () => home.probe<Record<string, boolean>>(['paused', path.join(home.home, 'airflow.db')]);

  it('renders RECALL_SUSPENDED and `airflow dags pause|unpause <pipeline>` from spec.suspend', () => {
    expect(running.settings.RECALL_SUSPENDED).toBe('false');
    expect(suspended.settings.RECALL_SUSPENDED).toBe('true');
    expect(applySuspendArgs(running)).toEqual(['dags', 'unpause', DAG_ID]);
    expect(applySuspendArgs(suspended)).toEqual(['dags', 'pause', DAG_ID]);
  });

  it('before the DAG’s first parse, finds nothing to change and exits 0 either way', async () => {
    expect(await paused()).toEqual({});
    expect(await applySuspend(suspended)).toContain('No unpaused DAGs were found');
    expect(await applySuspend(running)).toContain('No paused DAGs were found');
    expect(await paused()).toEqual({});
  });

  it('has the DAG file create the DAG paused when suspended (unpaused otherwise: airflow-dag.test.ts)', async () => {
    const bag = await home.probe<DagBagAnswer>(['dagbag', home.dagsFolder], suspended.settings);
    expect(bag.importErrors).toEqual({});
    expect(bag.dags[DAG_ID]?.pausedUponCreation).toBe(true);
    // What the dag-processor of a suspended pipeline does on its first parse.
    const stored = await home.airflow(['dags', 'reserialize'], suspended.settings).done;
    expect(stored.code, stored.output.slice(-3000)).toBe(0);
    expect(await paused()).toEqual({ [DAG_ID]: true });
  });

  it('then unpauses and pauses the stored DAG as spec.suspend changes', async () => {
    await applySuspend(running);
    expect(await paused()).toEqual({ [DAG_ID]: false });
    await applySuspend(suspended);
    expect(await paused()).toEqual({ [DAG_ID]: true });
  });

  it('fails the DAG file’s import when RECALL_SUSPENDED is neither true nor false', async () => {
    const bag = await home.probe<DagBagAnswer>(['dagbag', home.dagsFolder], {
      ...running.settings,
      RECALL_SUSPENDED: 'yes',
    });
    expect(bag.dags).toEqual({});
    expect(Object.values(bag.importErrors).join('\n')).toContain('RECALL_SUSPENDED=yes is neither true nor false');
  });
});
