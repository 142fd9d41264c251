/**
 * The shape the optional web tools (Kafka UI, pgAdmin) share: one replica of one unprivileged
 * container serving HTTP on one port, and a Service in front of it. Each tool supplies only what
 * differs: image, environment, probe path, resources, writable paths.
 *
 * cdk8s-plus's Deployment carries it. Its pod props lack two fields every pod of ours sets, so
 * they go through the escape hatch: enableServiceLinks off (a Service's address in the environment
 * of every pod is noise a tool may misread), and the RuntimeDefault seccomp profile for the whole
 * pod (charts/security.ts).
 */
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { Labels } from './labels.ts';
import type { RunAs } from './security.ts';

/** Where a tool writes: an emptyDir each, as its root filesystem is read-only unless said otherwise. */
export interface ScratchPath {
  readonly name: string;
  readonly path: string;
}

export interface WebToolProps {
  /** Of the Deployment and its Service; also the container's name unless `containerName` is set. */
  readonly name: string;
  readonly containerName: string;
  /** Labels of every object and pod; they include the selector. */
  readonly labels: Labels;
  readonly selector: Labels;
  readonly image: string;
  /** The image's own unprivileged user and group. */
  readonly runAs: RunAs;
  /** The HTTP port, in the container and on the Service. */
  readonly port: number;
  /** Path of the readiness check, on `port`. */
  readonly readinessPath: string;
  readonly env: Readonly<Record<string, kplus.EnvValue>>;
  readonly resources: kplus.ContainerResources;
  /** Whether the image may write outside `scratch`. @default false */
  readonly writableRootFilesystem?: boolean;
  readonly scratch: readonly ScratchPath[];
  /** Files to mount read-only, from a ConfigMap. */
  readonly configFiles?: { readonly volume: string; readonly configMap: kplus.IConfigMap; readonly path: string };
}

/** The size of each scratch directory, as for every pod of ours (charts/security.ts). */
const SCRATCH_SIZE = Size.mebibytes(256);

export function webTool(scope: Construct, props: WebToolProps): void {
  const { name, labels, selector } = props;
  const mounts: kplus.VolumeMount[] = props.scratch.map((scratch) => ({
    volume: kplus.Volume.fromEmptyDir(scope, `scratch-${scratch.name}`, scratch.name, { sizeLimit: SCRATCH_SIZE }),
    path: scratch.path,
  }));
  if (props.configFiles) {
    const { volume, configMap, path } = props.configFiles;
    mounts.push({
      volume: kplus.Volume.fromConfigMap(scope, `volume-${volume}`, configMap, { name: volume }),
      path,
      readOnly: true,
    });
  }
  const deployment = new kplus.Deployment(scope, 'deployment', {
    metadata: { name, labels },
    replicas: 1,
    // The selector is ours, not cdk8s-plus's generated one: a Deployment's selector is immutable.
    select: false,
    podMetadata: { labels },
    automountServiceAccountToken: false,
    securityContext: {
      ensureNonRoot: true,
      user: props.runAs.user,
      group: props.runAs.group,
      fsGroup: props.runAs.group,
    },
    containers: [
      {
        name: props.containerName,
        image: props.image,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        ports: [{ name: 'http', number: props.port }],
        envVariables: { ...props.env },
        readiness: kplus.Probe.fromHttpGet(props.readinessPath, {
          port: props.port,
          periodSeconds: Duration.seconds(10),
        }),
        resources: props.resources,
        securityContext: {
          ensureNonRoot: true,
          user: props.runAs.user,
          group: props.runAs.group,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: !(props.writableRootFilesystem ?? false),
          capabilities: { drop: [kplus.Capability.ALL] },
          seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
        },
        volumeMounts: mounts,
      },
    ],
  });
  deployment.select(kplus.LabelSelector.of({ labels: selector }));
  ApiObject.of(deployment).addJsonPatch(
    JsonPatch.add('/spec/template/spec/enableServiceLinks', false),
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
  );
  new kplus.Service(scope, 'service', {
    metadata: { name, labels },
    selector: kplus.Pods.select(scope, 'pods', { labels: selector }),
    ports: [{ name: 'http', port: props.port, targetPort: props.port }],
  });
}
