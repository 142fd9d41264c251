/**
 * The local control plane has no kubelet, so no pod ever runs: a test that needs a run-to-completion
 * pod to start or end writes what a kubelet would into the pod's status, through the status
 * subresource. Whoever watches the pod (the Job controller, KubernetesPodOperator) then sees it
 * as it would in a cluster, termination message included.
 */
import * as k8s from '@kubernetes/client-node';

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

type PodStatus = NonNullable<k8s.V1Pod['status']>;

async function patchStatus(core: k8s.CoreV1Api, pod: k8s.V1Pod, status: PodStatus): Promise<void> {
  await core.patchNamespacedPodStatus(
    { name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, body: { status } },
    mergePatch,
  );
}

function mainContainerStatus(pod: k8s.V1Pod, state: k8s.V1ContainerState, ready: boolean): k8s.V1ContainerStatus {
  const container = pod.spec!.containers[0]!;
  return { name: container.name, image: container.image!, imageID: '', ready, restartCount: 0, state };
}

/** The pod's main container runs; its phase leaves Pending. */
export async function startPod(core: k8s.CoreV1Api, pod: k8s.V1Pod): Promise<void> {
  const now = new Date();
  const condition = (type: string): k8s.V1PodCondition => ({ type, status: 'True', lastTransitionTime: now });
  await patchStatus(core, pod, {
    phase: 'Running',
    startTime: now,
    conditions: [condition('PodScheduled'), condition('Initialized'), condition('ContainersReady'), condition('Ready')],
    containerStatuses: [mainContainerStatus(pod, { running: { startedAt: now } }, true)],
  });
}

/**
 * The pod's main container exits, 0 for Succeeded and 1 for Failed, with `message` as its
 * termination message (what it wrote to /dev/termination-log, or its log's tail on failure).
 */
export async function endPod(
  core: k8s.CoreV1Api,
  pod: k8s.V1Pod,
  phase: 'Succeeded' | 'Failed',
  message?: string,
): Promise<void> {
  const now = new Date();
  const startTime = pod.status?.startTime ?? now;
  const terminated: k8s.V1ContainerStateTerminated = {
    exitCode: phase === 'Succeeded' ? 0 : 1,
    startedAt: startTime,
    finishedAt: now,
    reason: phase === 'Succeeded' ? 'Completed' : 'Error',
    ...(message === undefined ? {} : { message }),
  };
  await patchStatus(core, pod, {
    phase,
    startTime,
    conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now, reason: 'PodCompleted' }],
    containerStatuses: [mainContainerStatus(pod, { terminated }, false)],
  });
}
