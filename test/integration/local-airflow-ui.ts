/**
 * A local Airflow serving its web UI over real runs, from the `airflow` component's venv: the
 * api-server with SimpleAuthManager's login, and the scheduler with LocalExecutor, which runs a
 * task in a process of its own and writes its log where the UI reads it. `airflow dags test`
 * would not do: it runs the tasks inside the command and leaves no task log for the UI.
 *
 * SQLite keeps the metadata, in a fresh AIRFLOW_HOME that `stop` deletes with everything else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AIRFLOW_VENV_VARIABLE } from '../infra/airflow.ts';
import { connectionFor } from '../infra/connection.ts';
import { freePort, logFile, run, startDaemon, stopDaemon, untilDaemon } from '../infra/process.ts';
import { until } from '../until.ts';

export interface LocalAirflowUi {
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  /** Triggers a run of the DAG through the REST API, as the UI's Trigger button does, and waits for it to end. */
  runDag(dagId: string, timeoutMs?: number): Promise<{ runId: string; state: string }>;
  /** Stops every process and deletes the home. */
  stop(): Promise<void>;
}

const USERNAME = 'admin';
const PASSWORD = 'local-airflow-ui';
const DAEMONS = ['api-server', 'scheduler'] as const;

/** Starts Airflow on the DAG files given as { file name: Python source }. */
export async function startLocalAirflowUi(dags: Record<string, string>): Promise<LocalAirflowUi> {
  const venv = (await connectionFor('airflow'))[AIRFLOW_VENV_VARIABLE]!;
  const airflow = path.join(venv, 'bin', 'airflow');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-airflow-ui-'));
  const dagsFolder = path.join(home, 'dags');
  fs.mkdirSync(dagsFolder);
  for (const [file, source] of Object.entries(dags)) fs.writeFileSync(path.join(dagsFolder, file), source);
  // SimpleAuthManager appends to this file, so it is a writable copy, as the charts' init container makes it.
  const passwordsFile = path.join(home, 'passwords.json');
  fs.writeFileSync(passwordsFile, JSON.stringify({ [USERNAME]: PASSWORD }));

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    // Nothing of an Airflow the caller may have set up leaks in.
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AIRFLOW'))),
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: dagsFolder,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: 'False',
    AIRFLOW__CORE__AUTH_MANAGER: 'airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager',
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: `${USERNAME}:admin`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: passwordsFile,
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${baseUrl}/execution/`,
    // LocalExecutor forks one worker per parallel task: two are plenty, 32 (the default) slow the start.
    AIRFLOW__CORE__PARALLELISM: '2',
    // The scheduler serves task logs on a port of its own; 8793, the default, may be taken.
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(await freePort()),
  };
  const runDir = path.join(home, 'run');

  const stop = async (): Promise<void> => {
    await Promise.all(DAEMONS.map((name) => stopDaemon(runDir, name)));
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    await run(airflow, ['db', 'migrate'], { env, logFile: path.join(home, 'migrate.log') });
    startDaemon({
      name: 'api-server',
      dir: runDir,
      command: airflow,
      args: ['api-server', '--port', String(port)],
      env,
    });
    startDaemon({ name: 'scheduler', dir: runDir, command: airflow, args: ['scheduler'], env });
    await Promise.all([
      // The DAGs stored in the database once, as the dag-processor would, while the servers start.
      run(airflow, ['dags', 'reserialize'], { env, logFile: path.join(home, 'reserialize.log') }),
      untilDaemon(
        { dir: runDir, name: 'api-server' },
        async () => (await fetch(`${baseUrl}/api/v2/monitor/health`)).ok,
        'the Airflow api-server to answer',
        { timeoutMs: 90_000, intervalMs: 500 },
      ),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }

  const api = async <T>(method: string, route: string, body?: object): Promise<T> => {
    const token = await fetch(`${baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
    });
    if (!token.ok) throw new Error(`POST /auth/token: ${token.status} ${await token.text()}`);
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const response = await fetch(`${baseUrl}/api/v2${route}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  return {
    baseUrl,
    username: USERNAME,
    password: PASSWORD,
    async runDag(dagId, timeoutMs = 60_000) {
      const { dag_run_id: runId } = await api<{ dag_run_id: string }>('POST', `/dags/${dagId}/dagRuns`, {
        logical_date: null,
      });
      const route = `/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}`;
      const state = await until(
        async () => {
          const { state: current } = await api<{ state: string }>('GET', route);
          return current === 'success' || current === 'failed' ? current : undefined;
        },
        `run ${runId} of ${dagId} to end (scheduler log: ${logFile(runDir, 'scheduler')})`,
        { timeoutMs, intervalMs: 500 },
      );
      return { runId, state };
    },
    stop,
  };
}
