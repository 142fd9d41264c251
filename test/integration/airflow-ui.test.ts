/**
 * The end-to-end tier's check of Airflow's UI (test/e2e/airflow-ui.ts), in headless Chromium
 * against a real Airflow 3 running here: a DAG whose task logs a producer's summary line after
 * a few hundred other lines, run by the scheduler so that its log is the UI's to show.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryLine } from '../../src/producer/produce-command.ts';
import { checkAirflowUi } from '../e2e/airflow-ui.ts';
import { testOutputDir } from '../test-output.ts';
import { startLocalAirflowUi, type LocalAirflowUi } from './local-airflow-ui.ts';

const DAG_ID = 'ui_check';
const TASK_ID = 'produce';

/** What `recall produce` prints at the end of a full load of the real records. */
const SUMMARY = summaryLine({
  pipeline: 'ui-check',
  dataset: 'rappelconso0',
  topic: 'rappel-conso',
  fetched: 8810,
  sent: 8810,
  deadLettered: 0,
  alreadySent: 0,
  checkpoint: undefined,
  windows: 1,
  requests: 89,
  durationMs: 12_340,
  dryRun: false,
  complete: true,
});

/** The summary far down the log: the UI renders a screenful of lines, so it is not on the page at first. */
const DAG = `
from datetime import datetime
from airflow.sdk import dag, task

@dag(dag_id=${JSON.stringify(DAG_ID)}, schedule=None, start_date=datetime(2024, 1, 1), catchup=False)
def ui_check():
    @task(task_id=${JSON.stringify(TASK_ID)})
    def produce():
        for page in range(300):
            print(f"page {page} of the API read")
        print(${JSON.stringify(SUMMARY)})
        for partition in range(20):
            print(f"partition {partition} flushed")

    produce()

ui_check()
`;

describe('the Airflow UI check, in headless Chromium against a real Airflow 3', () => {
  let airflow: LocalAirflowUi | undefined;
  let runId: string;

  beforeAll(async () => {
    airflow = await startLocalAirflowUi({ 'ui_check.py': DAG });
    const run = await airflow.runDag(DAG_ID);
    expect(run.state).toBe('success');
    runId = run.runId;
  }, 180_000);

  afterAll(async () => {
    await airflow?.stop();
  });

  it('signs in, sees the latest run succeeded and finds the summary line in the task’s log', async () => {
    const result = await checkAirflowUi({
      baseUrl: airflow!.baseUrl,
      username: airflow!.username,
      password: airflow!.password,
      dagId: DAG_ID,
      taskId: TASK_ID,
      summaryPattern: /pipeline ui-check dataset rappelconso0 topic rappel-conso: fetched 8810, sent 8810,/,
      screenshotDir: testOutputDir('screenshots', 'airflow-ui'),
    });
    expect(result.failure).toBeUndefined();
    expect(result.runId).toBe(runId);
    expect(result.summaryLine).toBe(SUMMARY);
    expect(result.screenshots.map((file) => path.basename(file))).toEqual([
      '01-sign-in.png',
      '02-signed-in.png',
      '03-dag.png',
      '04-task-log.png',
    ]);
  });

  it('says a task is missing only once the step’s time is up, not while its page is loading', async () => {
    const started = Date.now();
    const missing = await checkAirflowUi({
      baseUrl: airflow!.baseUrl,
      username: airflow!.username,
      password: airflow!.password,
      dagId: DAG_ID,
      taskId: 'consume',
      summaryPattern: /fetched 8810/,
      screenshotDir: testOutputDir('screenshots', 'airflow-ui-missing-task'),
      timeoutMs: 15_000,
    });
    expect(missing.failure).toContain(`task consume of run ${runId}: the run has no task consume (at `);
    // The step gives up 3 s (one reload) before its time is up, not at the first answer.
    expect(Date.now() - started).toBeGreaterThan(10_000);
  });

  it('fails naming the step and the page it stopped at: here, a wrong password', async () => {
    const refused = await checkAirflowUi({
      baseUrl: airflow!.baseUrl,
      username: airflow!.username,
      password: 'wrong',
      dagId: DAG_ID,
      taskId: TASK_ID,
      summaryPattern: /fetched 8810/,
      screenshotDir: testOutputDir('screenshots', 'airflow-ui-refused'),
      timeoutMs: 20_000,
    });
    expect(refused.failure).toBe(
      `signing in: the login form refused user admin: Invalid credentials (at ${airflow!.baseUrl}/auth/login?next=%2F)`,
    );
    expect(refused.screenshots.map((file) => path.basename(file))).toEqual(['01-sign-in.png', '02-failed.png']);
  });
});
