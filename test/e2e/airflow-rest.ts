/**
 * Airflow's REST API (v2), what its UI calls: a token from the login users read in the pipeline's
 * Secret, then the DAG, its runs and its task logs.
 */
export interface DagRun {
  dag_run_id: string;
  state: 'queued' | 'running' | 'success' | 'failed';
  /** ISO times by Airflow's clock; unset until the run starts, and ends. */
  start_date?: string | null;
  end_date?: string | null;
}

export interface TaskInstance {
  task_id: string;
  state: string | null;
  try_number: number;
  /** ISO times by Airflow's clock: when the scheduler queued the try, and when it ran. */
  queued_when?: string | null;
  start_date?: string | null;
  end_date?: string | null;
  /** Seconds, start to end. */
  duration?: number | null;
}

export interface Dag {
  dag_id: string;
  is_paused: boolean;
  timetable_summary: string | null;
}

export class AirflowRest {
  readonly #baseUrl: string;
  readonly #token: string;

  private constructor(baseUrl: string, token: string) {
    this.#baseUrl = baseUrl;
    this.#token = token;
  }

  static async login(baseUrl: string, username: string, password: string): Promise<AirflowRest> {
    const response = await fetch(`${baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`Airflow login as ${username}: ${response.status} ${await response.text()}`);
    const { access_token: token } = (await response.json()) as { access_token: string };
    return new AirflowRest(baseUrl, token);
  }

  async #call<T>(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<T> {
    const response = await fetch(`${this.#baseUrl}/api/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#token}`,
        accept,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Airflow ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  dag(dagId: string): Promise<Dag> {
    return this.#call('GET', `/dags/${encodeURIComponent(dagId)}`);
  }

  /** What the UI's Trigger button does: a manual run, now. */
  trigger(dagId: string): Promise<DagRun> {
    return this.#call('POST', `/dags/${encodeURIComponent(dagId)}/dagRuns`, { logical_date: null });
  }

  dagRun(dagId: string, runId: string): Promise<DagRun> {
    return this.#call('GET', `/dags/${encodeURIComponent(dagId)}/dagRuns/${encodeURIComponent(runId)}`);
  }

  async dagRuns(dagId: string): Promise<DagRun[]> {
    const page = await this.#call<{ dag_runs: DagRun[] }>(
      'GET',
      `/dags/${encodeURIComponent(dagId)}/dagRuns?limit=100`,
    );
    return page.dag_runs;
  }

  async taskInstances(dagId: string, runId: string): Promise<TaskInstance[]> {
    const page = await this.#call<{ task_instances: TaskInstance[] }>(
      'GET',
      `/dags/${encodeURIComponent(dagId)}/dagRuns/${encodeURIComponent(runId)}/taskInstances`,
    );
    return page.task_instances;
  }

  /** The whole log of a task's try, as text: each structured line's event, one per line. */
  async taskLog(dagId: string, runId: string, taskId: string, tryNumber = 1): Promise<string> {
    const path =
      `/dags/${encodeURIComponent(dagId)}/dagRuns/${encodeURIComponent(runId)}` +
      `/taskInstances/${encodeURIComponent(taskId)}/logs/${tryNumber}?full_content=true`;
    const log = await this.#call<{ content: unknown }>('GET', path);
    const lines = Array.isArray(log.content) ? log.content : [log.content];
    return lines
      .map((line) => {
        if (typeof line === 'string') return line;
        const event = (line as { event?: unknown }).event;
        return typeof event === 'string' ? event : JSON.stringify(line);
      })
      .join('\n');
  }
}
