/**
 * Who owns a create-only Secret that already exists. It is never applied again (its values must not
 * change), so when the pipeline's `onDelete` changes, its owner reference and retain label are set
 * here instead: a Secret left unowned to outlive the pipeline is adopted when the data it unlocks is
 * to be deleted with the pipeline after all, and released when that data is now to be retained.
 */
import type { KubernetesObject } from '../charts/pipeline-chart.ts';
import { PIPELINE_ANNOTATION, RETAIN_LABEL } from '../charts/labels.ts';
import type { JsonObject } from './runtime/kube-api.ts';

export interface OwnershipChange {
  readonly change: 'adopted' | 'released';
  /** A JSON merge patch of the live object's metadata. */
  readonly patch: { metadata: { ownerReferences: unknown[]; labels: Record<string, string | null> } };
}

/**
 * What makes `live` owned as `desired` wants, or undefined when it already is or is not this
 * pipeline's to change: a Secret of the same name a user made (no annotation of this pipeline's),
 * or one still controlled by an earlier pipeline of the same name, which the garbage collector is
 * about to delete.
 */
export function ownershipChange(
  desired: KubernetesObject,
  live: JsonObject,
  pipelineUid: string | undefined,
): OwnershipChange | undefined {
  const pipeline = desired.metadata.annotations?.[PIPELINE_ANNOTATION];
  if (pipelineUid === undefined || live.metadata?.annotations?.[PIPELINE_ANNOTATION] !== pipeline) return undefined;
  const owners = live.metadata?.ownerReferences ?? [];
  const controller = owners.find((owner) => owner.controller);
  if (desired.metadata.labels?.[RETAIN_LABEL] === 'true') {
    if (controller?.uid !== pipelineUid) return undefined;
    return {
      change: 'released',
      patch: {
        metadata: {
          ownerReferences: owners.filter((owner) => owner.uid !== pipelineUid),
          labels: { [RETAIN_LABEL]: 'true' },
        },
      },
    };
  }
  if (controller) return undefined;
  return {
    change: 'adopted',
    patch: {
      metadata: {
        ownerReferences: [...owners, ...(desired.metadata.ownerReferences ?? [])],
        labels: { [RETAIN_LABEL]: null },
      },
    },
  };
}
