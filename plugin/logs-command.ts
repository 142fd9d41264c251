/**
 * `kubectl recall logs NAME [--follow]`: the logs of the last run's pods, each line prefixed with
 * its pod and container as `kubectl logs --prefix` does. A run of Jobs has the producer's pod, then
 * the consumer's (its `migrate` init container first), found by the run label the Jobs carry; a run
 * of Airflow's DAG has its step pods, found by the run id the DAG puts on them, until the operator
 * deletes them once the run is in the status (docs/decisions/0006): Airflow keeps the task logs.
 *
 * `--follow` follows the run to its end: the consumer's pod, created once the producer is done,
 * is followed as soon as it starts.
 */
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { Log, type V1Pod } from '@kubernetes/client-node';
import { AIRFLOW_STEP_POD } from '../charts/airflow-dag.ts';
import type { RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import { instanceSelector, RUN_LABEL } from '../charts/labels.ts';
import { apiErrorMessage, connect, type Cluster } from './cluster-access.ts';
import { GLOBAL_USAGE, parseCommandLine } from './command-line.ts';
import { PluginError, type PluginCommand, type PluginIo } from './plugin-command.ts';
import { pipelineRef, readPipeline, type FoundPipeline } from './read-pipeline.ts';

type LastRun = NonNullable<RecallPipelineStatus['lastRun']>;

const POLL_INTERVAL_MS = 2_000;

const USAGE =
  'usage: kubectl recall logs NAME [--follow] [-n NS]\n\n' +
  'The logs of the last run’s pods (producer, then consumer; Jobs’ or Airflow’s), each line\n' +
  'prefixed with [pod/container].\n\n' +
  'options:\n' +
  '  -f, --follow   follow the run until it ends, its consumer’s pod included\n\n' +
  GLOBAL_USAGE;

const OPTIONS = { follow: { type: 'boolean', short: 'f' } } as const;

/** The label selector of the run's pods: the run label on the Jobs' pods, KubernetesPodOperator's on Airflow's. */
export function runPodSelector(found: FoundPipeline, run: LastRun): string {
  const labels: Record<string, string> = { ...instanceSelector(found.ctx.name) };
  if (run.runner !== 'Airflow') labels[RUN_LABEL] = String(run.number);
  const selector = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  if (run.runner === 'Airflow') selector.push(AIRFLOW_STEP_POD.selector);
  return selector.join(',');
}

/** The run's pods among those the selector found, oldest first: the producer's before the consumer's. */
export function podsOfRun(pods: readonly V1Pod[], run: LastRun): V1Pod[] {
  const ofRun = (pod: V1Pod) => {
    if (run.runner !== 'Airflow') return true;
    // The label holds the run id shortened to fit; the annotation holds it whole.
    const id = pod.metadata?.annotations?.[AIRFLOW_STEP_POD.runIdAnnotation];
    return id === run.airflowRunId;
  };
  const created = (pod: V1Pod) => new Date(pod.metadata?.creationTimestamp ?? 0).getTime();
  return pods
    .filter(ofRun)
    .sort((a, b) => created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** The pod's containers in the order they run, init containers first, each with whether it has a log yet. */
export function containersOf(pod: V1Pod): { name: string; started: boolean; waiting?: string }[] {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map(({ name }) => {
    const state = statuses.find((status) => status.name === name)?.state;
    const started = state?.running !== undefined || state?.terminated !== undefined;
    const waiting = state?.waiting?.reason;
    return { name, started, ...(waiting === undefined ? {} : { waiting }) };
  });
}

/** Puts `prefix` before every line; a line cut across two chunks is prefixed once. */
export class LinePrefixer {
  readonly #prefix: string;
  #atLineStart = true;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  push(text: string): string {
    let out = '';
    for (const piece of text.split(/(?<=\n)/)) {
      if (piece === '') continue;
      if (this.#atLineStart) out += this.#prefix;
      out += piece;
      this.#atLineStart = piece.endsWith('\n');
    }
    return out;
  }

  /** What ends the output: a newline if the last line had none. */
  end(): string {
    return this.#atLineStart ? '' : '\n';
  }
}

/** A stream of one container's log onto `out`, its lines prefixed; decoded as a stream so that a character cut across chunks stays whole. */
function prefixedSink(prefix: string, out: NodeJS.WritableStream): Writable {
  const lines = new LinePrefixer(prefix);
  const decoder = new StringDecoder('utf8');
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.write(lines.push(decoder.write(chunk)));
      callback();
    },
    final(callback) {
      out.write(lines.push(decoder.end()) + lines.end());
      callback();
    },
  });
}

async function streamLog(cluster: Cluster, pod: string, container: string, follow: boolean, io: PluginIo) {
  const sink = prefixedSink(`[${pod}/${container}] `, io.stdout);
  const done = finished(sink);
  try {
    await new Log(cluster.config).log(cluster.namespace, pod, container, sink, { follow });
  } catch (error) {
    io.stderr.write(`[${pod}/${container}] log not available: ${apiErrorMessage(error)}\n`);
    sink.end();
  }
  await done;
}

async function listRunPods(cluster: Cluster, found: FoundPipeline, run: LastRun): Promise<V1Pod[]> {
  try {
    const list = await cluster.core.listNamespacedPod({
      namespace: cluster.namespace,
      labelSelector: runPodSelector(found, run),
    });
    return podsOfRun(list.items, run);
  } catch (error) {
    throw new PluginError(
      `${pipelineRef(found.ctx.name, cluster.namespace)}: listing run ${run.number}'s pods: ${apiErrorMessage(error)}`,
    );
  }
}

function lastRunOf(found: FoundPipeline, namespace: string): LastRun {
  const run = found.status.lastRun;
  if (!run) throw new PluginError(`${pipelineRef(found.ctx.name, namespace)} has no run yet`);
  return run;
}

function noPods(found: FoundPipeline, run: LastRun, namespace: string): PluginError {
  const ref = pipelineRef(found.ctx.name, namespace);
  if (run.runner === 'Airflow') {
    return new PluginError(
      `${ref}: the pods of run ${run.number}, Airflow's DAG run ${run.airflowRunId}, are gone (the operator deletes them once the run is in the status); Airflow keeps their task logs: kubectl recall airflow ${found.ctx.name} -n ${namespace}`,
    );
  }
  return new PluginError(`${ref}: run ${run.number} has no pods (its Jobs are gone, or have not started any yet)`);
}

async function printLogs(cluster: Cluster, found: FoundPipeline, io: PluginIo): Promise<number> {
  const run = lastRunOf(found, cluster.namespace);
  const pods = await listRunPods(cluster, found, run);
  if (pods.length === 0) throw noPods(found, run, cluster.namespace);
  for (const pod of pods) {
    const podName = pod.metadata!.name!;
    for (const container of containersOf(pod)) {
      if (container.started) await streamLog(cluster, podName, container.name, false, io);
      else
        io.stderr.write(
          `[${podName}/${container.name}] not started yet${container.waiting ? ` (${container.waiting})` : ''}\n`,
        );
    }
  }
  return 0;
}

async function followLogs(cluster: Cluster, name: string, io: PluginIo): Promise<number> {
  let found = await readPipeline(cluster, name);
  const run = lastRunOf(found, cluster.namespace);
  const streams = new Map<string, Promise<void>>();
  for (;;) {
    const current = found.status.lastRun;
    const same = current?.number === run.number ? current : undefined;
    if (same) {
      for (const pod of await listRunPods(cluster, found, same)) {
        const podName = pod.metadata!.name!;
        for (const container of containersOf(pod).filter((candidate) => candidate.started)) {
          const key = `${podName}/${container.name}`;
          if (!streams.has(key)) streams.set(key, streamLog(cluster, podName, container.name, true, io));
        }
      }
    }
    // Listed once more after the run ended, so that a container that ran between two looks is shown too.
    if (!same || same.completionTime !== undefined) break;
    await sleep(POLL_INTERVAL_MS);
    found = await readPipeline(cluster, name);
  }
  await Promise.all(streams.values());
  if (streams.size === 0) throw noPods(found, run, cluster.namespace);
  return 0;
}

export const logsCommand: PluginCommand = {
  name: 'logs',
  usage: USAGE,
  async run(argv: readonly string[], io: PluginIo): Promise<number> {
    const { target, name, values } = parseCommandLine('logs', argv, OPTIONS);
    const cluster = connect(target);
    if (values.follow) return followLogs(cluster, name, io);
    return printLogs(cluster, await readPipeline(cluster, name), io);
  },
};
