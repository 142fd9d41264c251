/**
 * Every pod a namespace held during the benchmark, polled with kubectl: a cgroup names a pod by
 * UID and a container by id, and the pods of a Job or an Airflow task may be gone by the time the
 * figures are printed (the operator deletes Airflow's once their run is in the status), so names,
 * labels, requests and limits are recorded while the pods exist.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { kubectlJson } from '../test/e2e/kind-fixture.ts';
import { memoryQuantityBytes } from './memory-quantity.ts';

interface ContainerSpec {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface ContainerStatus {
  name: string;
  containerID?: string;
  lastState?: { terminated?: { containerID?: string } };
}

interface PodObject {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string }[];
  };
  spec: { nodeName?: string; containers: ContainerSpec[]; initContainers?: ContainerSpec[] };
  status: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}

export interface RecordedContainer {
  readonly name: string;
  readonly init: boolean;
  readonly requestBytes: number | undefined;
  readonly limitBytes: number | undefined;
}

export interface RecordedPod {
  readonly uid: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ownerKinds: readonly string[];
  readonly containers: readonly RecordedContainer[];
  /** Container id (without the runtime's scheme) → container name, every id each container had. */
  readonly containerIds: Map<string, string>;
}

function recordedContainer(spec: ContainerSpec, init: boolean): RecordedContainer {
  const bytes = (quantity: string | undefined) => (quantity === undefined ? undefined : memoryQuantityBytes(quantity));
  return {
    name: spec.name,
    init,
    requestBytes: bytes(spec.resources?.requests?.memory),
    limitBytes: bytes(spec.resources?.limits?.memory),
  };
}

/** `containerd://<id>` → `<id>`. */
function bareId(id: string | undefined): string | undefined {
  return id?.slice(id.indexOf('://') + 3) || undefined;
}

export class PodRegistry {
  readonly #namespace: string;
  readonly #pods = new Map<string, RecordedPod>();
  #stopped = false;
  #loop: Promise<void> | undefined;

  private constructor(namespace: string) {
    this.#namespace = namespace;
  }

  static start(namespace: string, intervalMs = 2000): PodRegistry {
    const registry = new PodRegistry(namespace);
    registry.#loop = registry.#pollUntilStopped(intervalMs);
    return registry;
  }

  /** Stops polling after one last look, and returns every pod seen, by UID. */
  async stop(): Promise<ReadonlyMap<string, RecordedPod>> {
    this.#stopped = true;
    await this.#loop;
    await this.#poll();
    return this.#pods;
  }

  async #pollUntilStopped(intervalMs: number): Promise<void> {
    while (!this.#stopped) {
      await this.#poll();
      await sleep(intervalMs);
    }
  }

  async #poll(): Promise<void> {
    const list = await kubectlJson<{ items: PodObject[] }>('get', 'pods', '-n', this.#namespace).catch(() => undefined);
    for (const pod of list?.items ?? []) {
      const known = this.#pods.get(pod.metadata.uid) ?? {
        uid: pod.metadata.uid,
        name: pod.metadata.name,
        labels: pod.metadata.labels ?? {},
        ownerKinds: (pod.metadata.ownerReferences ?? []).map((owner) => owner.kind),
        containers: [
          ...(pod.spec.initContainers ?? []).map((spec) => recordedContainer(spec, true)),
          ...pod.spec.containers.map((spec) => recordedContainer(spec, false)),
        ],
        containerIds: new Map<string, string>(),
      };
      for (const status of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) {
        for (const id of [bareId(status.containerID), bareId(status.lastState?.terminated?.containerID)]) {
          if (id !== undefined) known.containerIds.set(id, status.name);
        }
      }
      this.#pods.set(known.uid, known);
    }
  }
}
