/**
 * The operator against a private control plane (scratch kube-apiserver, controller-manager, etcd,
 * Strimzi's CRDs), the operator as a child process so its memory is its own:
 *
 * - create → converged for one pipeline (every child applied, then the status written: the status
 *   comes last in a reconcile, so this bounds "children applied"), 50 pipelines one after another;
 * - 200 pipelines created at once, until all have converged;
 * - API requests and writes made by reconciles of unchanged pipelines (target: 0 writes);
 * - the operator's peak RSS (VmHWM) with those 200 pipelines.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { API_GROUP_VERSION, PLURAL } from '../../contract/recall-pipeline/group.ts';
import { OPERATOR_NODE_FLAGS } from '../../charts/operator-install.ts';
import { IMAGE_ENV, IMAGE_RECALL_ENTRYPOINT } from '../../contract/pipeline-defaults.ts';
import { freePort } from '../../test/infra/process.ts';
import { startScratch } from '../../test/infra/scratch-environment.ts';
import { installCrd, loadConfig, PipelineClient, until } from '../../test/integration/operator-fixture.ts';
import { seconds, table, type BenchSuite } from '../suite.ts';

const SERIAL = 50;
const BURST = 200;
const CREATE_CONCURRENCY = 20;

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

/** Resolves, per pipeline name, when its status first shows observedGeneration. */
class ConvergenceWatch {
  readonly #converged = new Map<string, number>();
  readonly #waiters = new Map<string, () => void>();
  #abort: AbortController | undefined;

  async start(config: k8s.KubeConfig, namespace: string): Promise<void> {
    this.#abort = await new k8s.Watch(config).watch(
      `/apis/${API_GROUP_VERSION}/namespaces/${namespace}/${PLURAL}`,
      {},
      (_type, object: { metadata: { name: string }; status?: { observedGeneration?: number } }) => {
        const { name } = object.metadata;
        if (object.status?.observedGeneration === undefined || this.#converged.has(name)) return;
        this.#converged.set(name, performance.now());
        this.#waiters.get(name)?.();
      },
      () => {},
    );
  }

  stop(): void {
    this.#abort?.abort();
  }

  get count(): number {
    return this.#converged.size;
  }

  async convergedAt(name: string): Promise<number> {
    const at = this.#converged.get(name);
    if (at !== undefined) return at;
    await new Promise<void>((resolve) => this.#waiters.set(name, resolve));
    return this.#converged.get(name)!;
  }
}

interface OperatorProcess {
  child: ChildProcess;
  port: number;
}

async function startOperatorProcess(kubeconfig: string, namespace: string): Promise<OperatorProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=TimeoutNegativeWarning',
      ...OPERATOR_NODE_FLAGS,
      IMAGE_RECALL_ENTRYPOINT,
      'operator',
      ...['--kubeconfig', kubeconfig, '--namespace', namespace, '--no-leader-elect', '--metrics-port', String(port)],
    ],
    // As the Deployment of manifests/operator/install.yaml runs it, compiled by `npm run build`.
    {
      env: { ...process.env, ...IMAGE_ENV, RECALL_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await until(
    async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok,
    'readyz',
    30_000,
  );
  return { child, port };
}

async function stopOperatorProcess(operator: OperatorProcess): Promise<void> {
  const exited = once(operator.child, 'exit');
  operator.child.kill('SIGTERM');
  await exited;
}

/** Sums of a counter by label value, from the operator's /metrics. */
async function counters(port: number, name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sums = new Map<string, number>();
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*="([^"]*)"\\})? (\\S+)$`, 'gm'))) {
    sums.set(match[1] ?? '', (sums.get(match[1] ?? '') ?? 0) + Number(match[2]));
  }
  return sums;
}

function total(map: Map<string, number>): number {
  return [...map.values()].reduce((sum, value) => sum + value, 0);
}

function memoryOf(pid: number): { hwm: string; rss: string } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (key: string) => {
    const kb = Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN);
    return `${(kb / 1024).toFixed(0)} MB`;
  };
  return { hwm: field('VmHWM'), rss: field('VmRSS') };
}

async function createAll(client: PipelineClient, names: readonly string[]): Promise<void> {
  for (let start = 0; start < names.length; start += CREATE_CONCURRENCY) {
    await Promise.all(names.slice(start, start + CREATE_CONCURRENCY).map((name) => client.create(name)));
  }
}

export const operatorSuite: BenchSuite = {
  name: 'operator',
  description: `create→converged for ${SERIAL} pipelines in turn, ${BURST} at once, requests of a steady reconcile, peak RSS`,

  async run(print) {
    // The operator runs compiled, as in its image; only this suite needs dist/.
    execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
    const scratch = await startScratch(['strimzi']);
    try {
      const kubeconfig = scratch.env.KUBECONFIG!;
      const config = loadConfig(kubeconfig);
      await installCrd(config);

      // 1. One pipeline at a time.
      const serial = new PipelineClient(config, 'bench-serial');
      await serial.createNamespace();
      const serialOperator = await startOperatorProcess(kubeconfig, 'bench-serial');
      const serialWatch = new ConvergenceWatch();
      await serialWatch.start(config, 'bench-serial');
      const latencies: number[] = [];
      for (let index = 0; index < SERIAL; index += 1) {
        const name = `serial-${index}`;
        const begin = performance.now();
        await serial.create(name);
        latencies.push((await serialWatch.convergedAt(name)) - begin);
      }
      serialWatch.stop();
      await stopOperatorProcess(serialOperator);
      latencies.sort((a, b) => a - b);

      // 2. Many at once, with a fresh operator watching only them.
      const burst = new PipelineClient(config, 'bench-burst');
      await burst.createNamespace();
      const operator = await startOperatorProcess(kubeconfig, 'bench-burst');
      const burstWatch = new ConvergenceWatch();
      await burstWatch.start(config, 'bench-burst');
      const names = Array.from({ length: BURST }, (_, index) => `burst-${index}`);
      const begin = performance.now();
      await createAll(burst, names);
      const converged = Math.max(...(await Promise.all(names.map((name) => burstWatch.convergedAt(name)))));
      const burstTime = converged - begin;
      burstWatch.stop();

      // 3. Steady state: once the queue is empty, touch pipelines without changing their spec.
      const queueDepth = async () => total(await counters(operator.port, 'recall_operator_queue_depth'));
      await until(async () => (await queueDepth()) === 0, 'the queue to empty', 60_000);
      const pipelineEvents = async () =>
        (await counters(operator.port, 'recall_operator_watch_events_total')).get('RecallPipeline') ?? 0;
      const eventsBefore = await pipelineEvents();
      const touched = 20;
      const reconcilesBefore = total(await counters(operator.port, 'recall_operator_reconciles_total'));
      const requestsBefore = await counters(operator.port, 'recall_operator_api_requests_total');
      const writesBefore = total(await counters(operator.port, 'recall_operator_api_writes_total'));
      for (const name of names.slice(0, touched)) {
        await burst.patch(name, { metadata: { annotations: { 'bench.example.com/touched': String(Date.now()) } } });
      }
      // Every touch reached the cache and was reconciled (distinct pipelines: one reconcile each at
      // least), and nothing waits in the queue.
      const reconciled = async () =>
        total(await counters(operator.port, 'recall_operator_reconciles_total')) - reconcilesBefore;
      await until(
        async () =>
          (await pipelineEvents()) - eventsBefore >= touched &&
          (await reconciled()) >= touched &&
          (await queueDepth()) === 0,
        'the touches to be seen and reconciled',
        60_000,
      );
      const reconciles = await reconciled();
      const requestsAfter = await counters(operator.port, 'recall_operator_api_requests_total');
      const requests = total(requestsAfter) - total(requestsBefore);
      const writes = total(await counters(operator.port, 'recall_operator_api_writes_total')) - writesBefore;
      const memory = memoryOf(operator.child.pid!);
      const heapUsed = total(await counters(operator.port, 'recall_operator_nodejs_heap_size_used_bytes'));
      await stopOperatorProcess(operator);

      const targets = [
        [
          `create → converged, one pipeline (${SERIAL} in turn)`,
          `median ${seconds(percentile(latencies, 0.5))}, p90 ${seconds(percentile(latencies, 0.9))}, p99 ${seconds(percentile(latencies, 0.99))}`,
          '< 1 s',
        ],
        [`${BURST} pipelines created at once → all converged`, seconds(burstTime), '< 60 s'],
        [
          'steady reconciles (20 touched pipelines + controller events)',
          `${reconciles} reconciles: ${requests} API requests, ${writes} writes`,
          '0 writes',
        ],
        [
          `operator memory with ${BURST} pipelines`,
          `peak ${memory.hwm} (now ${memory.rss}, V8 heap used ${(heapUsed / 1048576).toFixed(0)} MB)`,
          '< 150 MB',
        ],
      ];
      for (const line of table(['measure', 'figure', 'target'], targets)) print(line);
    } finally {
      await scratch.dispose();
    }
  },
};
