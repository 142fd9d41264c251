import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AIRFLOW_STEP_POD } from '../charts/airflow-dag.ts';
import type { RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import { containersOf, LinePrefixer, podsOfRun, runPodSelector } from './logs-command.ts';
import { pipelineObject, READY_STATUS } from './pipeline-objects.test-fixture.ts';
import { resolvePipeline } from './read-pipeline.ts';

type LastRun = NonNullable<RecallPipelineStatus['lastRun']>;

const found = resolvePipeline(pipelineObject());
const JOBS_RUN: LastRun = { ...READY_STATUS.lastRun!, number: 3 };
const AIRFLOW_RUN: LastRun = { ...JOBS_RUN, runner: 'Airflow', airflowRunId: 'manual__2026-12-01T05:00:00+00:00' };

function pod(name: string, created: string, extra: Partial<V1Pod> = {}): V1Pod {
  return { ...extra, metadata: { name, creationTimestamp: new Date(created), ...extra.metadata } };
}

describe('the pods of the last run', () => {
  it('are selected by the run label on the Jobs’ pods, by KubernetesPodOperator’s label on Airflow’s', () => {
    expect(runPodSelector(found, JOBS_RUN)).toBe(
      'app.kubernetes.io/name=recall-pipeline,app.kubernetes.io/instance=recalls,rappelconso.io/run=3',
    );
    expect(runPodSelector(found, AIRFLOW_RUN)).toBe(
      `app.kubernetes.io/name=recall-pipeline,app.kubernetes.io/instance=recalls,${AIRFLOW_STEP_POD.selector}`,
    );
  });

  it('come oldest first (the producer’s, then a retry, then the consumer’s); Airflow’s only of that DAG run', () => {
    const pods = [
      pod('recalls-consume-3-b', '2026-12-01T05:00:30Z'),
      pod('recalls-produce-3-b', '2026-12-01T05:00:10Z'),
      pod('recalls-produce-3-a', '2026-12-01T05:00:00Z'),
    ];
    expect(podsOfRun(pods, JOBS_RUN).map((p) => p.metadata!.name)).toEqual([
      'recalls-produce-3-a',
      'recalls-produce-3-b',
      'recalls-consume-3-b',
    ]);
    const annotated = (name: string, runId: string) =>
      pod(name, '2026-12-01T05:00:00Z', {
        metadata: { name, annotations: { [AIRFLOW_STEP_POD.runIdAnnotation]: runId } },
      });
    const airflowPods = [annotated('produce-x', AIRFLOW_RUN.airflowRunId!), annotated('produce-y', 'scheduled__other')];
    expect(podsOfRun(airflowPods, AIRFLOW_RUN).map((p) => p.metadata!.name)).toEqual(['produce-x']);
  });

  it('have their containers in the order they run, init first, each with whether it has a log yet', () => {
    const consumer = pod('recalls-consume-3-a', '2026-12-01T05:00:30Z', {
      spec: { initContainers: [{ name: 'migrate' }], containers: [{ name: 'consume' }] },
      status: {
        initContainerStatuses: [{ name: 'migrate', state: { terminated: { exitCode: 0 } } }] as NonNullable<
          V1Pod['status']
        >['initContainerStatuses'],
        containerStatuses: [{ name: 'consume', state: { waiting: { reason: 'PodInitializing' } } }] as NonNullable<
          V1Pod['status']
        >['containerStatuses'],
      },
    });
    expect(containersOf(consumer)).toEqual([
      { name: 'migrate', started: true },
      { name: 'consume', started: false, waiting: 'PodInitializing' },
    ]);
  });
});

describe('LinePrefixer', () => {
  it('prefixes every line once, however the chunks cut them', () => {
    const lines = new LinePrefixer('[p/c] ');
    const out = [lines.push('first li'), lines.push('ne\nsecond\n\nthi'), lines.push('rd'), lines.end()].join('');
    expect(out).toBe('[p/c] first line\n[p/c] second\n[p/c] \n[p/c] third\n');
    expect(new LinePrefixer('> ').end()).toBe('');
  });
});
