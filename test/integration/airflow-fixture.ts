/**
 * Real Airflow (the `airflow` component's venv) on the pipeline's DAG as the charts deploy it: the
 * DAG's text from the dags ConfigMap, the RECALL_* settings of the scheduler's container and the
 * pod templates of their ConfigMap, all rendered for the minimal sample. Each test gets a fresh
 * AIRFLOW_HOME with its own SQLite metadata database: Airflow keeps nothing between tests.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { loadYaml, type V1Pod, type V1PodSpec } from '@kubernetes/client-node';
import { dagSource } from '../../airflow/dag-source.ts';
import { DAG_FILE_NAME, POD_TEMPLATE_FILES } from '../../charts/airflow-dag.ts';
import type { RecallPipelineInput } from '../../contract/recall-pipeline/recall-pipeline.ts';
import { buildPipelineObjects, type KubernetesObject } from '../../charts/pipeline-chart.ts';
import { minimalSample } from '../../charts/samples/minimal.ts';
import { AIRFLOW_VENV_VARIABLE } from '../infra/airflow.ts';
import { connectionFor } from '../infra/connection.ts';

export type Step = keyof typeof POD_TEMPLATE_FILES;

export interface ChartedAirflow {
  /** The DAG file as the dags ConfigMap holds it. */
  readonly dag: string;
  /** The scheduler's RECALL_* variables, the namespace and template folder made local. */
  readonly settings: Record<string, string>;
  /** The pod templates as the DAG reads them, parsed. */
  readonly templates: Record<Step, V1Pod>;
  /** Everything the charts render for the pipeline, for a test to take its containers from. */
  readonly objects: KubernetesObject[];
}

function configMapHolding(objects: KubernetesObject[], key: string): Record<string, string> {
  const data = objects.find((object) => object.kind === 'ConfigMap' && key in ((object.data as object) ?? {}))?.data;
  if (!data) throw new Error(`no ConfigMap holds ${key}`);
  return data as Record<string, string>;
}

/**
 * The minimal sample's Airflow (or `pipeline`'s), with its pod templates written to `templateDir`.
 * The scheduler's namespace (a fieldRef there) becomes `namespace`, and RECALL_POD_TEMPLATE_DIR, a
 * mount in its pod, becomes `templateDir`.
 */
export function chartedAirflow(
  namespace: string,
  templateDir: string,
  pipeline: RecallPipelineInput = minimalSample,
): ChartedAirflow {
  const objects = buildPipelineObjects(pipeline, { dagSource: dagSource() });
  const scheduler = objects.find(
    (object) =>
      object.kind === 'Deployment' && object.metadata.labels?.['app.kubernetes.io/component'] === 'airflow-scheduler',
  ) as (KubernetesObject & { spec: { template: { spec: V1PodSpec } } }) | undefined;
  if (!scheduler) throw new Error('the minimal sample renders no Airflow scheduler');
  const settings: Record<string, string> = {};
  for (const variable of scheduler.spec.template.spec.containers[0]!.env ?? []) {
    if (!variable.name.startsWith('RECALL_')) continue;
    const fromNamespace = variable.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace';
    if (variable.value === undefined && !fromNamespace) throw new Error(`${variable.name}: unexpected source`);
    settings[variable.name] = fromNamespace ? namespace : variable.value!;
  }
  settings.RECALL_POD_TEMPLATE_DIR = templateDir;

  const templateData = configMapHolding(objects, POD_TEMPLATE_FILES.produce);
  fs.mkdirSync(templateDir, { recursive: true });
  const templates = {} as Record<Step, V1Pod>;
  for (const [step, file] of Object.entries(POD_TEMPLATE_FILES) as Array<[Step, string]>) {
    const text = templateData[file];
    if (text === undefined) throw new Error(`the pod templates ConfigMap has no ${file}`);
    fs.writeFileSync(path.join(templateDir, file), text);
    templates[step] = loadYaml<V1Pod>(text);
  }
  const dag = configMapHolding(objects, DAG_FILE_NAME)[DAG_FILE_NAME]!;
  return { dag, settings, templates, objects };
}

export interface AirflowResult {
  readonly code: number | null;
  readonly stdout: string;
  /**
   * stdout and stderr interleaved: Airflow's own log and the task logs, without the terminal styles
   * that its tracebacks keep even when told not to colour (vitest's workers set FORCE_COLOR).
   */
  readonly output: string;
}

export interface AirflowCommand {
  readonly done: Promise<AirflowResult>;
  /** What it printed so far, as `output` above. */
  outputSoFar(): string;
  /** Ends the command if it still runs (a test that failed half-way). */
  kill(): void;
}

export interface AirflowHome {
  readonly home: string;
  readonly dagsFolder: string;
  /** Runs `airflow <args>` in this home with `env` on top of its settings. */
  airflow(args: readonly string[], env?: Record<string, string>): AirflowCommand;
  /** Runs the venv's `python <args>` likewise: what `python` is in Airflow's image. */
  python(args: readonly string[], env?: Record<string, string>): AirflowCommand;
  /** Runs test/integration/airflow_probe.py and returns its JSON answer. */
  probe<T>(args: readonly string[], env?: Record<string, string>): Promise<T>;
  dispose(): void;
}

/** A fresh AIRFLOW_HOME whose dags folder holds `dag`; `migrate` creates its metadata database. */
export async function airflowHome(dag: string, options: { migrate: boolean }): Promise<AirflowHome> {
  const venv = (await connectionFor('airflow'))[AIRFLOW_VENV_VARIABLE]!;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-airflow-'));
  const dagsFolder = path.join(home, 'dags');
  fs.mkdirSync(dagsFolder);
  fs.writeFileSync(path.join(dagsFolder, DAG_FILE_NAME), dag);

  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: dagsFolder,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    // Retries wait seconds instead of minutes (the DAG's backoff is capped by this setting).
    AIRFLOW__CORE__MAX_TASK_RETRY_DELAY: '1',
  };
  // Inside a pod the provider would prefer that pod's cluster to the KUBECONFIG a test gives it.
  delete baseEnv.KUBERNETES_SERVICE_HOST;
  delete baseEnv.KUBERNETES_SERVICE_PORT;
  for (const name of Object.keys(baseEnv)) if (name.startsWith('RECALL_')) delete baseEnv[name];

  const command = (executable: string, args: readonly string[], env: Record<string, string>): AirflowCommand => {
    const child = spawn(executable, args, { env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    // Decoded by the streams, so that a character split across two chunks stays whole.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk: string) => (output += chunk));
    const done = new Promise<AirflowResult>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, output: stripVTControlCharacters(output) }));
    });
    return {
      done,
      outputSoFar: () => stripVTControlCharacters(output),
      // `airflow dags test` outlives a SIGTERM while a task waits on its pod; its home is thrown away.
      kill: () => child.exitCode === null && child.kill('SIGKILL'),
    };
  };
  const airflow = (args: readonly string[], env: Record<string, string> = {}) =>
    command(path.join(venv, 'bin', 'airflow'), args, env);
  const python = (args: readonly string[], env: Record<string, string> = {}) =>
    command(path.join(venv, 'bin', 'python'), args, env);

  if (options.migrate) {
    const migrated = await airflow(['db', 'migrate']).done;
    if (migrated.code !== 0) throw new Error(`airflow db migrate failed:\n${migrated.output.slice(-3000)}`);
  }
  return {
    home,
    dagsFolder,
    airflow,
    python,
    async probe<T>(args: readonly string[], env: Record<string, string> = {}): Promise<T> {
      const script = path.join(import.meta.dirname, 'airflow_probe.py');
      const { code, stdout, output } = await python([script, ...args], env).done;
      if (code !== 0) throw new Error(`airflow_probe.py ${args.join(' ')} failed:\n${output.slice(-3000)}`);
      return JSON.parse(stdout) as T;
    },
    dispose: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}
