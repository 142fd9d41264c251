/** A pipeline's queue key, `namespace/name`, as Kubernetes' own controllers key objects. */
import { PIPELINE_ANNOTATION } from '../charts/labels.ts';
import type { JsonObject } from './runtime/kube-api.ts';

export function pipelineKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The key of the pipeline a child belongs to, from the annotation that holds its full name. */
export function ownerKey(child: JsonObject): string | undefined {
  const pipeline = child.metadata?.annotations?.[PIPELINE_ANNOTATION];
  const namespace = child.metadata?.namespace;
  return pipeline && namespace ? pipelineKey(namespace, pipeline) : undefined;
}
