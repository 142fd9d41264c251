import { describe, expect, it } from 'vitest';
import { RUN_NOW_ANNOTATION } from '../contract/recall-pipeline/group.ts';
import { pipelineObject, READY_STATUS } from './pipeline-objects.test-fixture.ts';
import { resolvePipeline } from './read-pipeline.ts';
import { formatStatus } from './status-command.ts';

const NOW = new Date('2026-12-01T04:41:29Z');

describe('kubectl recall status', () => {
  it('shows a Ready pipeline: phase, every condition, the last run with its counts, the table and Airflow’s UI', () => {
    const text = formatStatus(resolvePipeline(pipelineObject()), NOW);
    expect(text).toMatch(/^RecallPipeline: +recalls\nNamespace: +prod\nPhase: +Ready\n/);
    expect(text).toMatch(/^ {2}TYPE +STATUS +REASON +SINCE +MESSAGE$/m);
    expect(text).toMatch(/^ {2}Ready +True +Ready +10m +Kafka, the database and Airflow are ready$/m);
    expect(text).toMatch(/^ {2}LastRunSucceeded +True +Succeeded +10m +run 1 succeeded$/m);
    // Conditions in the order the API lists their types, Ready first.
    const order = [...text.matchAll(/^ {2}(\w+Ready|\w+Succeeded|Ready) /gm)].map((match) => match[1]);
    expect(order).toEqual(['Ready', 'KafkaReady', 'DatabaseReady', 'AirflowReady', 'LastRunSucceeded']);

    expect(text).toContain('Last run: 1 (Jobs, on create): succeeded\n');
    expect(text).toMatch(/^ {2}Completed: +2026-12-01T04:31:29Z \(took 27s\)$/m);
    expect(text).toMatch(/^ {2}Records: +8810 produced, 8803 loaded, 0 dead-lettered$/m);
    expect(text).toMatch(/^ {2}Jobs: +recalls-produce-1, recalls-consume-1$/m);
    expect(text).toMatch(/^Checkpoint: +2023-06-30 \(\+19 at it\)$/m);
    expect(text).toMatch(
      /^Table: +rappel_conso_table, database recall \(managed, Service recalls-postgres\): 8803 records$/m,
    );
    expect(text).toMatch(
      /^Airflow UI: +Service recalls-airflow-api-server, port 8080; login in Secret recalls-airflow-login$/m,
    );
    expect(text).toMatch(/^Open it with: +kubectl recall airflow recalls -n prod$/m);
  });

  it('shows a run under way, a run by Airflow, and a request the operator has not answered yet', () => {
    const running = formatStatus(
      resolvePipeline(
        pipelineObject({
          annotations: { [RUN_NOW_ANNOTATION]: 'again' },
          status: {
            ...READY_STATUS,
            lastRun: {
              ...READY_STATUS.lastRun!,
              number: 2,
              runner: 'Airflow',
              airflowRunId: 'manual__2026-12-01T04:40:00+00:00',
              completionTime: undefined,
              succeeded: undefined,
              startTime: '2026-12-01T04:40:00Z',
            },
          },
        }),
      ),
      NOW,
    );
    expect(running).toContain('Last run: 2 (Airflow, DAG run manual__2026-12-01T04:40:00+00:00): running\n');
    expect(running).toMatch(/^ {2}Running for: +1m29s$/m);
    expect(running).not.toMatch(/^ {2}Jobs:/m);
    expect(running).toMatch(/^ {2}Requested: +run-now "again" not started yet$/m);

    const held = formatStatus(
      resolvePipeline(pipelineObject({ spec: { suspend: true }, annotations: { [RUN_NOW_ANNOTATION]: 'again' } })),
      NOW,
    );
    expect(held).toMatch(/^Suspended: +yes \(spec.suspend\): no run starts$/m);
    expect(held).toMatch(/^ {2}Requested: +run-now "again" waits until spec.suspend is false$/m);
    expect(held).toMatch(/^Airflow: +schedule @daily, DAG paused \(spec.suspend\)$/m);
  });

  it('shows a pipeline the operator has not reconciled yet, without Airflow, on an external database', () => {
    const text = formatStatus(
      resolvePipeline(
        pipelineObject({
          status: {},
          spec: {
            airflow: { enabled: false },
            postgres: { mode: 'external', external: { host: 'db.example', secretRef: { name: 'db-login' } } },
          },
        }),
      ),
      NOW,
    );
    expect(text).toMatch(/^Phase: +unknown \(not reconciled yet\)$/m);
    expect(text).toMatch(/^Generation: +1 \(the operator last reconciled none\)$/m);
    expect(text).toContain('Conditions:\n  none yet\n');
    expect(text).toContain('Last run: none yet\n');
    expect(text).toMatch(
      /^Table: +rappel_conso_table, database recall on db.example:5432 \(external\): no run has loaded it yet$/m,
    );
    expect(text).toMatch(/^Airflow: +not enabled/m);
    expect(text).not.toContain('kubectl recall airflow');
  });
});
