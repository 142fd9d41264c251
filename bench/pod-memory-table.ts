/**
 * The memory a namespace's pods used against what they asked for: one row per container, its peak
 * from the node's cgroups (bench/cgroup-memory-sampler.ts) beside its memory request and limit,
 * named by component so that a Job's run or an Airflow task reads as such, whatever its pod's
 * generated name.
 */
import { RUN_LABEL } from '../charts/labels.ts';
import type { CgroupPeak, SamplerSummary } from './cgroup-memory-sampler.ts';
import type { RecordedContainer, RecordedPod } from './pod-registry.ts';
import { table } from './suite.ts';

/** The order components are listed in: the pipeline's own first, roughly as they start. */
const COMPONENT_ORDER = [
  'postgres',
  'airflow-db-migrate',
  'airflow-scheduler',
  'airflow-dag-processor',
  'airflow-triggerer',
  'airflow-api-server',
  'produce Job',
  'consume Job',
  'Airflow produce task',
  'Airflow consume task',
];

/**
 * A container whose cgroup was seen fewer times lived about that many seconds: its high-water mark
 * was most likely reached between the last sample and its exit, so the pod's cgroup, which outlives
 * it, bounds it instead.
 */
const MIN_SAMPLES = 3;

/** A limit this many times the peak is worth a look. */
const GENEROUS_LIMIT = 4;

/** A peak this close to a request or a limit is worth a look. */
const NEAR = 0.95;

const MIB = 1024 * 1024;

interface Component {
  readonly name: string;
  /** False for what the benchmark deploys beside the pipeline (its source and its broker). */
  readonly ofPipeline: boolean;
}

export function componentOf(pod: RecordedPod): Component {
  const component = pod.labels['app.kubernetes.io/component'];
  if (component === 'e2e-external-kafka') return { name: 'Kafka broker (external mode)', ofPipeline: false };
  if (pod.labels['app.kubernetes.io/name'] === 'recall-api') return { name: 'recall-api (source)', ofPipeline: false };
  if (component === 'produce' || component === 'consume') {
    // The DAG's KubernetesPodOperator labels its pods; the Jobs' pods carry the run's number.
    if (pod.labels.kubernetes_pod_operator === 'True') return { name: `Airflow ${component} task`, ofPipeline: true };
    const run = pod.labels[RUN_LABEL];
    return { name: `${component} Job${run === undefined ? '' : ` (run ${run})`}`, ofPipeline: true };
  }
  return { name: component ?? pod.name, ofPipeline: true };
}

function rank(component: Component): number {
  const index = COMPONENT_ORDER.findIndex((name) => component.name.startsWith(name));
  return (component.ofPipeline ? 0 : 100) + (index === -1 ? COMPONENT_ORDER.length : index);
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? '-' : (bytes / MIB).toFixed(1);
}

function ratio(value: number | undefined, of: number | undefined): string {
  return value === undefined || of === undefined ? '-' : (value / of).toFixed(2);
}

/** What a container's figures say about its request and limit, if anything. */
function worthALook(
  where: string,
  container: RecordedContainer,
  measured: number | undefined,
  bound: number | undefined,
  workingSet: number | undefined,
): string[] {
  const notes: string[] = [];
  const { requestBytes: request, limitBytes: limit } = container;
  if (measured !== undefined && request !== undefined && measured >= NEAR * request) {
    notes.push(
      `${where}: peak ${mib(measured)} MiB is ${ratio(measured, request)}× its request ${mib(request)} MiB ` +
        `(working set ${mib(workingSet)} MiB)`,
    );
  }
  const peak = measured ?? bound;
  if (peak !== undefined && limit !== undefined && peak >= NEAR * limit) {
    notes.push(
      `${where}: peak ${measured === undefined ? '≤ ' : ''}${mib(peak)} MiB is near its limit ${mib(limit)} MiB`,
    );
  }
  // An init container's request and limit do not add to the pod's (it runs before the others), so
  // a generous one costs nothing; only the other containers' are worth a look.
  if (!container.init && measured !== undefined && limit !== undefined && limit >= GENEROUS_LIMIT * measured) {
    notes.push(`${where}: limit ${mib(limit)} MiB is ${ratio(limit, measured)}× its peak`);
  }
  return notes;
}

interface Row {
  readonly rank: number;
  readonly pod: string;
  readonly order: number;
  readonly cells: string[];
}

/** The table and what in it is worth a look, as lines to print. */
export function podMemoryLines(
  pods: ReadonlyMap<string, RecordedPod>,
  memory: SamplerSummary,
  lastSampleError: string | undefined,
): string[] {
  const cgroupsOf = new Map<string, CgroupPeak[]>();
  for (const peak of memory.peaks) cgroupsOf.set(peak.podUid, [...(cgroupsOf.get(peak.podUid) ?? []), peak]);

  const rows: Row[] = [];
  const notes: string[] = [];
  for (const pod of pods.values()) {
    const component = componentOf(pod);
    const cgroups = cgroupsOf.get(pod.uid) ?? [];
    const podPeak = cgroups.find((cgroup) => cgroup.containerId === undefined)?.peakBytes;
    pod.containers.forEach((container, order) => {
      // Every cgroup the container had: a restart gives it a new id.
      const own = cgroups.filter(
        (cgroup) => cgroup.containerId !== undefined && pod.containerIds.get(cgroup.containerId) === container.name,
      );
      const samples = own.reduce((sum, cgroup) => sum + cgroup.samples, 0);
      const sampled = own.length === 0 ? undefined : Math.max(...own.map((cgroup) => cgroup.peakBytes));
      const workingSet = own.length === 0 ? undefined : Math.max(...own.map((cgroup) => cgroup.workingSetBytes));
      const measured = samples >= MIN_SAMPLES ? sampled : undefined;
      const bound = measured === undefined ? podPeak : undefined;
      const peak = measured ?? bound;
      const prefix = bound === undefined ? '' : '≤ ';
      const where = `${pod.name}/${container.name}${container.init ? ' (init)' : ''}`;

      if (component.ofPipeline) notes.push(...worthALook(where, container, measured, bound, workingSet));
      rows.push({
        rank: rank(component),
        pod: pod.name,
        order,
        cells: [
          `${component.name}${component.ofPipeline ? '' : ' [not the pipeline’s]'}`,
          where,
          bound === undefined ? mib(measured) : podPeak === undefined ? 'not sampled' : `≤ ${mib(bound)} (pod cgroup)`,
          own.length === 0 ? '-' : `${mib(sampled)} / ${mib(workingSet)}`,
          String(samples),
          mib(container.requestBytes),
          mib(container.limitBytes),
          peak === undefined ? '-' : `${prefix}${ratio(peak, container.requestBytes)}`,
          peak === undefined ? '-' : `${prefix}${ratio(peak, container.limitBytes)}`,
          mib(podPeak),
        ],
      });
    });
  }
  rows.sort((a, b) => a.rank - b.rank || a.pod.localeCompare(b.pod) || a.order - b.order);

  const lines = table(
    [
      'component',
      'pod/container',
      'peak MiB',
      'container cgroup: peak / working set MiB',
      'samples',
      'request MiB',
      'limit MiB',
      'peak/request',
      'peak/limit',
      'pod cgroup peak MiB',
    ],
    rows.map((row) => row.cells),
  );
  lines.push('');
  for (const [node, source] of memory.sources) lines.push(`- peak on ${node}: ${source}`);
  lines.push(
    `- ${memory.samples} node samples (${memory.failedSamples} failed${lastSampleError ? `, last: ${lastSampleError}` : ''}); ` +
      'a container’s cgroup goes when it exits, so one seen in fewer than ' +
      `${MIN_SAMPLES} samples most likely peaked unseen: its peak is then bounded by the pod’s cgroup ` +
      '(all its containers, the sandbox, and the page cache of exited ones), which lasts until the pod is deleted',
    '- peak and usage count the page cache the container caused; the working set (sampled) leaves out its inactive part',
  );
  if (notes.length > 0) lines.push('', 'worth a look:', ...notes.map((note) => `- ${note}`));
  return lines;
}
