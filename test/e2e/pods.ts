/**
 * Throwaway pods of the end-to-end tests: a Node.js script, or a `recall` command, in our own image
 * (present on every node, here and on a laptop), held to the same security baseline as the
 * product's pods. The image holds Node's own modules and the recall bundle, no node_modules.
 */
import { DEFAULT_PIPELINE_IMAGE, IMAGE_RECALL_ENTRYPOINT } from '../../contract/pipeline-defaults.ts';
import { StopWaiting } from '../until.ts';
import { eventually, kubectl, kubectlJson } from './kind-fixture.ts';

export interface ScriptPodOptions {
  readonly name: string;
  readonly namespace: string;
  /** The body of an async function, run by `node -e`; or, with `recall`, the command's arguments. */
  readonly script?: string;
  readonly recall?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Pins the pod to this node (by label, so the scheduler still places its volumes). */
  readonly node?: string;
  /** A claim mounted at /data. */
  readonly claim?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Never (default): the pod runs its script once. */
  readonly restartPolicy?: 'Never' | 'Always';
}

export function nodeScriptPod(options: ScriptPodOptions): object {
  const program = `(async () => {${options.script ?? ''}\n})().catch((error) => { console.error(error); process.exit(1); })`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: options.name, namespace: options.namespace, labels: { ...options.labels } },
    spec: {
      restartPolicy: options.restartPolicy ?? 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      ...(options.node
        ? {
            nodeSelector: { 'kubernetes.io/hostname': options.node },
            // kind keeps the control-plane node tainted when the cluster has workers.
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
          }
        : {}),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'script',
          image: DEFAULT_PIPELINE_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          // kafkajs's negative timer warning would otherwise mix into the output the tests read.
          command: options.recall
            ? ['node', IMAGE_RECALL_ENTRYPOINT, ...options.recall]
            : ['node', '--disable-warning=TimeoutNegativeWarning', '-e', program],
          env: [
            { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            ...Object.entries(options.env ?? {}).map(([name, value]) => ({ name, value })),
          ],
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          ...(options.claim ? { volumeMounts: [{ name: 'data', mountPath: '/data' }] } : {}),
        },
      ],
      ...(options.claim ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: options.claim } }] } : {}),
    },
  };
}

interface PodStatus {
  status: { phase: string; containerStatuses?: { state: { waiting?: { reason: string; message?: string } } }[] };
}

/** Waits for the pod's phase; a pod that failed (or cannot start) instead fails at once, with its log. */
export async function waitForPodPhase(namespace: string, name: string, phase: 'Succeeded' | 'Running'): Promise<void> {
  await eventually(
    `pod ${namespace}/${name} to reach ${phase}`,
    async () => {
      const pod = await kubectlJson<PodStatus>('get', 'pod', name, '--namespace', namespace);
      const waiting = pod.status.containerStatuses?.[0]?.state.waiting;
      if (pod.status.phase === 'Failed' || (waiting && /BackOff|Err|Invalid/.test(waiting.reason))) {
        const log = await kubectl('logs', name, '--namespace', namespace).catch(() => '');
        throw new StopWaiting(`pod ${namespace}/${name} ${pod.status.phase} ${waiting?.reason ?? ''}: ${log}`);
      }
      return pod.status.phase === phase;
    },
    180_000,
  );
}
