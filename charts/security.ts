/**
 * The secure defaults every pod and container starts from: non-root, no privilege escalation, no
 * capabilities, RuntimeDefault seccomp, a read-only root filesystem unless the image must write to
 * it, and requests and limits.
 */
import { k8s } from 'cdk8s-plus-28';
import type { Resources } from '../contract/recall-pipeline/resources-schema.ts';

export interface RunAs {
  readonly user: number;
  readonly group: number;
}

export function podSecurityContext(runAs: RunAs): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: runAs.group,
    fsGroup: runAs.group,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function containerSecurityContext(options: { readOnlyRootFilesystem: boolean }): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: options.readOnlyRootFilesystem,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function resourceRequirements(resources: Resources): k8s.ResourceRequirements {
  const quantities = (values: { cpu: string; memory: string }) => ({
    cpu: k8s.Quantity.fromString(values.cpu),
    memory: k8s.Quantity.fromString(values.memory),
  });
  return { requests: quantities(resources.requests), limits: quantities(resources.limits) };
}

/** A writable scratch directory for images whose root filesystem is mounted read-only. */
export function scratchVolume(name: string, mountPath: string): { volume: k8s.Volume; mount: k8s.VolumeMount } {
  return { volume: { name, emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }, mount: { name, mountPath } };
}
