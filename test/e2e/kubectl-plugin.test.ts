/**
 * `kubectl recall`, the plugin, as its users run it: an executable `kubectl-recall` on the PATH
 * (here a wrapper running plugin/kubectl-recall.ts), called through the cluster's own kubectl, on
 * a pipeline with Airflow (the default) and one on an external database. Each subcommand is checked
 * against what the cluster shows: the status, a second and a third run asked for and awaited, the
 * run's logs, psql's count against the records, Airflow's UI and login over the forward. The image
 * holds the plugin too, and runs it in a pod with nothing but its service account.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { API_GROUP, PLURAL, RUN_NOW_ANNOTATION } from '../../contract/recall-pipeline/group.ts';
import { DEFAULT_TABLE, IMAGE_KUBECTL_RECALL_ENTRYPOINT } from '../../contract/pipeline-defaults.ts';
import { OPERATOR_NAMESPACE, operatorLeader } from '../infra/cluster/kind-cluster.ts';
import { envContext, repoRoot } from '../infra/context.ts';
import { binDir } from '../infra/kubernetes-build.ts';
import { airflowLogin } from './airflow-login.ts';
import { AirflowRest } from './airflow-rest.ts';
import { deployPipelineSources, externalModePipeline } from './external-mode-pipeline.ts';
import {
  apply,
  createNamespace,
  eventually,
  kubeconfig,
  kubectl,
  kubectlJson,
  requireCluster,
} from './kind-fixture.ts';
import { commandResult, type CommandResult } from '../command-result.ts';
import { nodeScriptPod, waitForPodPhase } from './pods.ts';
import { scenarioData } from './scenario-data.ts';

const PIPELINE = 'recalls';
/** On a database the plugin cannot reach with psql, without Airflow, suspended so that nothing runs. */
const EXTERNAL = 'elsewhere';
const LOGIN = { username: 'recall', password: 'unused' };

interface PipelineStatus {
  totalRecordsLoaded?: number;
  lastRun?: { number: number; trigger?: string; completionTime?: string; succeeded?: boolean };
}

describe('kubectl recall on the real cluster', () => {
  let namespace: Awaited<ReturnType<typeof createNamespace>>;
  let pluginDir: string;
  const expectedRows = scenarioData.expectedTableRows;

  beforeAll(async () => {
    requireCluster();
    // What installing the plugin amounts to: an executable named kubectl-recall on the PATH.
    pluginDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-recall-'));
    fs.writeFileSync(
      path.join(pluginDir, 'kubectl-recall'),
      `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, 'plugin', 'kubectl-recall.ts')}" "$@"\n`,
      { mode: 0o755 },
    );
    namespace = await createNamespace('plugin');
    const ns = namespace.name;
    const sources = await deployPipelineSources(ns, scenarioData.dataFile);
    await apply([
      externalModePipeline(ns, PIPELINE, sources),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-login', namespace: ns }, stringData: LOGIN },
      externalModePipeline(ns, EXTERNAL, sources, {
        suspend: true,
        // A run fails at its first try: the database's host does not exist.
        jobs: { backoffLimit: 0 },
        airflow: { enabled: false },
        postgres: { mode: 'external', external: { host: 'db.example.invalid', secretRef: { name: 'db-login' } } },
      }),
    ]);
    await kubectl('wait', '--for=condition=Ready', `rp/${PIPELINE}`, '-n', ns, '--timeout=1200s');
    await eventually('run 1 to end', async () => (await status()).lastRun?.completionTime !== undefined, 900_000);
  });

  afterAll(async () => {
    await namespace?.remove();
    if (pluginDir) fs.rmSync(pluginDir, { recursive: true, force: true });
  });

  const status = async (name = PIPELINE): Promise<PipelineStatus> =>
    (await kubectlJson<{ status?: PipelineStatus }>('get', 'rp', name, '-n', namespace.name)).status ?? {};

  interface RecallOptions {
    readonly input?: string;
    /** KUBECONFIG set, as `npm run kind:up` tells users to (default); false for the --kubeconfig flag alone. */
    readonly kubeconfigVariable?: boolean;
  }

  /** What `kubectl recall` runs with: the plugin on the PATH, the kubeconfig as the options say. */
  function recallEnv(options: RecallOptions): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${pluginDir}${path.delimiter}${process.env.PATH ?? ''}` };
    if (options.kubeconfigVariable === false) delete env.KUBECONFIG;
    else env.KUBECONFIG = kubeconfig();
    return env;
  }

  const kubectlBinary = (): string => path.join(binDir(envContext()), 'kubectl');

  /** `kubectl recall ARGS` through the cluster's kubectl, left running: for the port-forward. */
  function recallProcess(args: readonly string[], options: RecallOptions = {}) {
    return spawn(kubectlBinary(), ['recall', ...args], { env: recallEnv(options), stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** `kubectl recall ARGS`, to its end. */
  function recall(args: readonly string[], options: RecallOptions = {}): Promise<CommandResult> {
    return commandResult(kubectlBinary(), ['recall', ...args], {
      env: recallEnv(options),
      ...(options.input === undefined ? {} : { input: options.input }),
    });
  }

  /** The result, once it exited 0; otherwise an error with its output. */
  async function succeeds(args: readonly string[], options: RecallOptions = {}) {
    const result = await recall(args, options);
    if (result.code !== 0) {
      throw new Error(`kubectl recall ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    }
    return result.stdout;
  }

  it('status: Ready, every condition, run 1 with the records’ counts, the table’s rows, where Airflow’s UI is', async () => {
    const ns = namespace.name;
    const text = await succeeds(['status', PIPELINE, '-n', ns]);
    expect(text).toMatch(/^Phase: +Ready$/m);
    expect(text).toMatch(/^ {2}Ready +True +Ready /m);
    for (const type of ['KafkaReady', 'DatabaseReady', 'AirflowReady', 'LastRunSucceeded']) {
      expect(text).toMatch(new RegExp(`^ {2}${type} +True `, 'm'));
    }
    expect(text).toContain('Last run: 1 (Jobs, on create): succeeded\n');
    expect(text).toMatch(
      new RegExp(`^ {2}Records: +${scenarioData.recordCount} produced, ${expectedRows} loaded, 0 dead-lettered$`, 'm'),
    );
    expect(text).toMatch(new RegExp(`^Table: +${DEFAULT_TABLE}, .*: ${expectedRows} records$`, 'm'));
    expect(text).toMatch(/^Checkpoint: +\d{4}-\d\d-\d\d/m);
    expect(text).toMatch(new RegExp(`^Airflow UI: +Service ${PIPELINE}-airflow-api-server, port 8080;`, 'm'));
    expect(text).toMatch(new RegExp(`^Open it with: +kubectl recall airflow ${PIPELINE} -n ${ns}$`, 'm'));

    // kubectl's own flags: --kubeconfig instead of KUBECONFIG, the namespace from the context when not given.
    const viaFlag = await succeeds(['status', PIPELINE, '--kubeconfig', kubeconfig(), `--namespace=${ns}`], {
      kubeconfigVariable: false,
    });
    expect(viaFlag).toMatch(/^Phase: +Ready$/m);
    const missing = await recall(['status', PIPELINE]);
    expect(missing.stderr).toBe(`error: recallpipeline "${PIPELINE}" not found in namespace "default"\n`);
  });

  it('run --wait: a second run is started through the run-now annotation, awaited, its counts printed', async () => {
    const ns = namespace.name;
    const output = await succeeds(['run', PIPELINE, '-n', ns, '--wait', '--timeout', '15m']);
    const trigger = new RegExp(`run requested \\(${RUN_NOW_ANNOTATION}=(\\S+)\\)`).exec(output)?.[1];
    expect(trigger).toBeDefined();
    // Nothing new in the source: the second run sends and loads nothing, and the table keeps its rows.
    expect(output).toMatch(
      new RegExp(
        `^run 2 succeeded in \\w+: 0 produced, 0 loaded, 0 dead-lettered; the table holds ${expectedRows} records$`,
        'm',
      ),
    );
    const after = await status();
    expect(after.lastRun).toMatchObject({ number: 2, trigger, succeeded: true });
    const annotations = await kubectl(
      'get',
      `${PLURAL}.${API_GROUP}`,
      PIPELINE,
      '-n',
      ns,
      '-o',
      `jsonpath={.metadata.annotations.${RUN_NOW_ANNOTATION.replaceAll('.', '\\.')}}`,
    );
    expect(annotations).toBe(trigger);
    expect(await succeeds(['status', PIPELINE, '-n', ns])).toContain(
      `Last run: 2 (Jobs, run-now "${trigger}"): succeeded\n`,
    );
  });

  it('logs: the last run’s producer and consumer, the consumer’s summary line included; --follow follows a run to its end', async () => {
    const ns = namespace.name;
    const logs = await succeeds(['logs', PIPELINE, '-n', ns]);
    /** A line of a container of the run's producer or consumer pod, prefixed as `kubectl logs --prefix` does. */
    const line = (run: number, step: 'produce' | 'consume', container: string, text: string) =>
      new RegExp(`^\\[${PIPELINE}-${step}-${run}-\\w+/${container}\\] ${text}`, 'm');
    expect(logs).toMatch(line(2, 'produce', 'produce', `pipeline ${PIPELINE} .*fetched \\d+, sent 0, dead-lettered 0`));
    expect(logs).toMatch(line(2, 'consume', 'migrate', ''));
    // The consumer's summary line (src/consumer/run-consumer.ts).
    expect(logs).toMatch(line(2, 'consume', 'consume', `consumed=\\d+ upserted=0 .*table-rows=${expectedRows}\\b`));
    expect(logs.indexOf('/produce]')).toBeLessThan(logs.indexOf('/consume]'));

    await succeeds(['run', PIPELINE, '-n', ns]);
    await eventually('run 3 to start', async () => (await status()).lastRun?.number === 3);
    const followed = await succeeds(['logs', PIPELINE, '-n', ns, '--follow']);
    expect((await status()).lastRun).toMatchObject({ number: 3, succeeded: true });
    expect(followed).toMatch(line(3, 'consume', 'consume', `consumed=\\d+ .*table-rows=${expectedRows}\\b`));
  });

  it('psql: the table holds the records’ rows, by -c and by a script on stdin; psql’s exit code comes back', async () => {
    const ns = namespace.name;
    const count = `select count(*) from ${DEFAULT_TABLE}`;
    expect((await succeeds(['psql', PIPELINE, '-n', ns, '--', '-tAc', count])).trim()).toBe(String(expectedRows));
    const fromStdin = await succeeds(['psql', PIPELINE, '-n', ns, '--', '--tuples-only', '--no-align'], {
      input: `${count};\n`,
    });
    expect(fromStdin.trim()).toBe(String(expectedRows));
    const failing = await recall(['psql', PIPELINE, '-n', ns, '--', '-c', 'select * from no_such_table']);
    expect(failing.code).toBe(1);
    expect(failing.stdout + failing.stderr).toContain('relation "no_such_table" does not exist');
  });

  it('airflow: the UI answers over the forward, and the login it prints opens Airflow’s REST API', async () => {
    const ns = namespace.name;
    const child = recallProcess(['airflow', PIPELINE, '-n', ns]);
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (output += chunk));
    child.stderr.on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await eventually('the forward to listen', () => Promise.resolve(output.includes('Press Ctrl-C')), 60_000);
      const url = /^Airflow UI: (http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(output)?.[1];
      const login = /^Login: +(\S+) \/ (\S+) /m.exec(output);
      expect(url, output).toBeDefined();
      expect({ username: login?.[1], password: login?.[2] }).toEqual(await airflowLogin(ns, PIPELINE));

      expect((await fetch(`${url}/`)).status).toBe(200);
      expect((await fetch(`${url}/api/v2/monitor/health`)).status).toBe(200);
      const airflow = await AirflowRest.login(url!, login![1]!, login![2]!);
      const dag = await eventually('the DAG to be parsed', () => airflow.dag(PIPELINE).catch(() => undefined), 300_000);
      expect(dag.dag_id).toBe(PIPELINE);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('says in one line what is missing, naming the pipeline and the namespace', async () => {
    const ns = namespace.name;
    const cases: [string[], string][] = [
      [['status', 'nope', '-n', ns], `recallpipeline "nope" not found in namespace "${ns}"`],
      [['logs', EXTERNAL, '-n', ns], `recallpipeline "${EXTERNAL}" in namespace "${ns}" has no run yet`],
      [
        ['psql', EXTERNAL, '-n', ns],
        `recallpipeline "${EXTERNAL}" in namespace "${ns}" uses an external PostgreSQL (db.example.invalid:5432/recall): kubectl recall psql needs the managed database`,
      ],
      [
        ['airflow', EXTERNAL, '-n', ns],
        `recallpipeline "${EXTERNAL}" in namespace "${ns}" does not run Airflow (spec.airflow.enabled is false)`,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await recall(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/^error: [^\n]+\n$/);
      expect(result.stderr).toContain(message);
    }
  });

  it('run: held while spec.suspend is true, and said so; --wait exits 1 when it times out and when the run fails', async () => {
    const ns = namespace.name;
    const held = await succeeds(['run', EXTERNAL, '-n', ns]);
    expect(held).toContain('spec.suspend is true: it waits until the pipeline is resumed');
    const shown = await succeeds(['status', EXTERNAL, '-n', ns]);
    expect(shown).toMatch(/^ {2}Requested: +run-now "kubectl-recall-\S+" waits until spec.suspend is false$/m);

    const timedOut = await recall(['run', EXTERNAL, '-n', ns, '--wait', '--timeout', '5s']);
    expect(timedOut.code).toBe(1);
    expect(timedOut.stdout).toMatch(/^run-now "kubectl-recall-\S+" waits until spec.suspend is false$/m);
    expect(timedOut.stderr).toMatch(
      new RegExp(
        `^error: recallpipeline "${EXTERNAL}" in namespace "${ns}": timed out after 5s waiting for run-now "kubectl-recall-\\S+": .*waits until spec.suspend is false\n$`,
      ),
    );
    expect((await status(EXTERNAL)).lastRun).toBeUndefined();

    // Resumed, the held request runs, and fails: its database does not exist. So does the next.
    await kubectl('patch', 'rp', EXTERNAL, '-n', ns, '--type=merge', '--patch', '{"spec":{"suspend":false}}');
    const failed = await recall(['run', EXTERNAL, '-n', ns, '--wait', '--timeout', '10m']);
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(
      new RegExp(
        `^error: recallpipeline "${EXTERNAL}" in namespace "${ns}": run 2 failed after \\w+: the producer failed: .*\\(0 produced, 0 loaded, 0 dead-lettered\\)\\n$`,
      ),
    );
    expect((await status(EXTERNAL)).lastRun).toMatchObject({ number: 2, succeeded: false });
  });

  it('is in the image: the operator’s pod holds it, and a pod with only its service account runs it', async () => {
    const ns = namespace.name;
    const leader = await eventually('the operator leader', () => operatorLeader(envContext()));
    const help = await kubectl(
      'exec',
      leader,
      '-n',
      OPERATOR_NAMESPACE,
      '--',
      'node',
      IMAGE_KUBECTL_RECALL_ENTRYPOINT,
      'help',
    );
    expect(help).toMatch(/^usage: kubectl recall <command> NAME/);

    // In a pod: the service account's token and namespace, no kubeconfig and no -n.
    const account = 'plugin-reader';
    await apply([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace: ns } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: account, namespace: ns },
        rules: [{ apiGroups: [API_GROUP], resources: [PLURAL], verbs: ['get'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: account, namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account },
        subjects: [{ kind: 'ServiceAccount', name: account, namespace: ns }],
      },
      pluginPod(ns, 'plugin-status', account, ['status', PIPELINE]),
    ]);
    await waitForPodPhase(ns, 'plugin-status', 'Succeeded');
    const printed = await kubectl('logs', 'plugin-status', '-n', ns);
    expect(printed).toMatch(/^Phase: +Ready$/m);
    expect(printed).toMatch(new RegExp(`^Namespace: +${ns}$`, 'm'));
    // Bundled, the client's dependencies would warn about deprecated APIs; the plugin keeps its output clean.
    expect(printed).not.toMatch(/DeprecationWarning/);
  });
});

/** Our image running the bundled plugin under a service account, as someone with only a pod would. */
function pluginPod(namespace: string, name: string, serviceAccount: string, args: readonly string[]): object {
  const pod = nodeScriptPod({ name, namespace }) as {
    spec: {
      serviceAccountName?: string;
      automountServiceAccountToken: boolean;
      containers: { command: string[]; resources: object }[];
    };
  };
  pod.spec.serviceAccountName = serviceAccount;
  pod.spec.automountServiceAccountToken = true;
  const container = pod.spec.containers[0]!;
  container.command = ['node', IMAGE_KUBECTL_RECALL_ENTRYPOINT, ...args];
  // The Kubernetes client's models take about 120 MB.
  container.resources = { requests: { cpu: '10m', memory: '160Mi' }, limits: { memory: '256Mi' } };
  return pod;
}
