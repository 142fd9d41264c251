/**
 * Peak memory of every pod's containers on the kind nodes, read from the nodes' cgroups: kind's
 * nodes are docker containers, so one `docker exec` per node and sample prints every pod cgroup's
 * figures. The kernel keeps a high-water mark per cgroup (cgroup v2 `memory.peak`, v1
 * `memory.max_usage_in_bytes`), but a cgroup vanishes with its container, and a Job's or an
 * Airflow task's pod ends within the benchmark: sampling every second and keeping each cgroup's
 * largest figure loses a container's last second, all of it for one that lived about a second (its
 * pod's cgroup, which stays until the pod is deleted, then bounds it). Beside the peak, the working
 * set (usage less inactive file cache, what kubelet evicts by and `kubectl top` shows), sampled.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { docker } from '../test/infra/cluster/docker-cli.ts';
import { run } from '../test/infra/process.ts';

/** A pod cgroup's directory (the pod's UID in it, with '_' for '-' under the systemd driver), or one below it. */
const POD_CGROUP = '.*pod[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}[^/]*(/[^/]+)?';
const POD_UID = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/;
/** containerd's and docker's container ids, as the last path element of a container's cgroup. */
const CONTAINER_ID = /([0-9a-f]{64})(?:\.scope)?$/;

interface CgroupLayout {
  readonly version: 'v1' | 'v2';
  readonly root: string;
  readonly peakFile: string;
  readonly usageFile: string;
  /** memory.stat's key for the inactive file cache, counted hierarchically. */
  readonly inactiveKey: string;
}

const LAYOUTS: Readonly<Record<'v1' | 'v2', CgroupLayout>> = {
  v2: {
    version: 'v2',
    root: '/sys/fs/cgroup',
    peakFile: 'memory.peak',
    usageFile: 'memory.current',
    inactiveKey: 'inactive_file',
  },
  v1: {
    version: 'v1',
    root: '/sys/fs/cgroup/memory',
    peakFile: 'memory.max_usage_in_bytes',
    usageFile: 'memory.usage_in_bytes',
    inactiveKey: 'total_inactive_file',
  },
};

/**
 * Prints `<dir> <peak> <usage> <inactive_file>` for every pod cgroup and the containers' below it,
 * `-` for a figure the kernel does not have. One find and one awk, however many pods: the node
 * shares the benchmark's two cores.
 */
const SAMPLE_SCRIPT = `find "$1" -type d -regextype posix-extended -regex "$5" | awk -v peak="$2" -v usage="$3" -v key="$4" '
function first(file,   line) { line = "-"; if ((getline line < file) <= 0) line = "-"; close(file); return line }
{
  inactive = "-"; stat = $0 "/memory.stat"
  while ((getline line < stat) > 0) { split(line, field, " "); if (field[1] == key) inactive = field[2] }
  close(stat)
  print $0, first($0 "/" peak), first($0 "/" usage), inactive
}'`;

export interface CgroupPeak {
  readonly node: string;
  readonly podUid: string;
  /** Undefined for the pod's own cgroup, which holds all its containers and the sandbox. */
  readonly containerId: string | undefined;
  /** The largest of the kernel's high-water marks (or, without one, of the usages) sampled. */
  readonly peakBytes: number;
  /** The largest working set sampled. */
  readonly workingSetBytes: number;
  readonly samples: number;
}

export interface SamplerSummary {
  /** Per node, which figure `peakBytes` is, in words. */
  readonly sources: ReadonlyMap<string, string>;
  readonly samples: number;
  readonly failedSamples: number;
  readonly peaks: readonly CgroupPeak[];
}

function parsedNumber(text: string | undefined): number | undefined {
  return text === undefined || text === '-' || text === '' ? undefined : Number(text);
}

export class CgroupMemorySampler {
  readonly #nodes: ReadonlyMap<string, CgroupLayout>;
  readonly #intervalMs: number;
  readonly #peaks = new Map<string, { -readonly [K in keyof CgroupPeak]: CgroupPeak[K] }>();
  /** Nodes whose kernel gave a high-water mark at least once. */
  readonly #nodesWithPeak = new Set<string>();
  #samples = 0;
  #failedSamples = 0;
  #lastError: string | undefined;
  #stopped = false;
  #loop: Promise<void> | undefined;

  private constructor(nodes: ReadonlyMap<string, CgroupLayout>, intervalMs: number) {
    this.#nodes = nodes;
    this.#intervalMs = intervalMs;
  }

  /** Finds each node's cgroup version and starts sampling. */
  static async start(nodes: readonly string[], intervalMs = 1000): Promise<CgroupMemorySampler> {
    const layouts = new Map<string, CgroupLayout>();
    for (const node of nodes) {
      const version = (
        await run(docker(), [
          'exec',
          node,
          'sh',
          '-c',
          'if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo v2; else echo v1; fi',
        ])
      ).trim();
      layouts.set(node, LAYOUTS[version === 'v2' ? 'v2' : 'v1']);
    }
    const sampler = new CgroupMemorySampler(layouts, intervalMs);
    sampler.#loop = sampler.#sampleUntilStopped();
    return sampler;
  }

  async stop(): Promise<SamplerSummary> {
    this.#stopped = true;
    await this.#loop;
    const sources = new Map<string, string>();
    for (const [node, layout] of this.#nodes) {
      sources.set(
        node,
        this.#nodesWithPeak.has(node)
          ? `the kernel's high-water mark, ${layout.peakFile} (cgroup ${layout.version})`
          : `${layout.usageFile} sampled every ${this.#intervalMs / 1000} s: this kernel has no ${layout.peakFile} (cgroup ${layout.version})`,
      );
    }
    return {
      sources,
      samples: this.#samples,
      failedSamples: this.#failedSamples,
      peaks: [...this.#peaks.values()],
    };
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  async #sampleUntilStopped(): Promise<void> {
    while (!this.#stopped) {
      const started = Date.now();
      await Promise.all([...this.#nodes].map(([node, layout]) => this.#sample(node, layout)));
      await sleep(Math.max(0, this.#intervalMs - (Date.now() - started)));
    }
  }

  async #sample(node: string, layout: CgroupLayout): Promise<void> {
    let output: string;
    try {
      output = await run(docker(), [
        'exec',
        node,
        'sh',
        '-c',
        SAMPLE_SCRIPT,
        'sample',
        layout.root,
        layout.peakFile,
        layout.usageFile,
        layout.inactiveKey,
        POD_CGROUP,
      ]);
    } catch (error) {
      // A cgroup removed between find and awk, or docker busy: the next sample will do.
      this.#failedSamples += 1;
      this.#lastError = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return;
    }
    this.#samples += 1;
    for (const line of output.split('\n')) {
      const [dir, peakText, usageText, inactiveText] = line.split(' ');
      const uid = dir === undefined ? undefined : POD_UID.exec(dir)?.[1];
      const usage = parsedNumber(usageText);
      if (dir === undefined || uid === undefined || usage === undefined) continue;
      const last = dir.slice(dir.lastIndexOf('/') + 1);
      const containerId = POD_UID.test(last) ? undefined : CONTAINER_ID.exec(last)?.[1];
      if (!POD_UID.test(last) && containerId === undefined) continue;
      const kernelPeak = parsedNumber(peakText);
      if (kernelPeak !== undefined) this.#nodesWithPeak.add(node);
      const workingSet = Math.max(0, usage - (parsedNumber(inactiveText) ?? 0));
      const podUid = uid.replaceAll('_', '-');
      const key = `${node}/${podUid}/${containerId ?? ''}`;
      const seen = this.#peaks.get(key);
      const peak = Math.max(kernelPeak ?? usage, usage);
      if (seen === undefined) {
        this.#peaks.set(key, { node, podUid, containerId, peakBytes: peak, workingSetBytes: workingSet, samples: 1 });
      } else {
        seen.peakBytes = Math.max(seen.peakBytes, peak);
        seen.workingSetBytes = Math.max(seen.workingSetBytes, workingSet);
        seen.samples += 1;
      }
    }
  }
}
