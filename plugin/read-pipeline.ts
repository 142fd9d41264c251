/**
 * The RecallPipeline a subcommand acts on, read from the cluster and resolved as the operator
 * resolves it: the spec with its defaults, and the names of its objects from the charts' own
 * builders, so the plugin finds what the operator created under whatever names it gave.
 */
import { API_GROUP, API_VERSION, PLURAL, SINGULAR } from '../contract/recall-pipeline/group.ts';
import { parseRecallPipeline, type RecallPipeline } from '../contract/recall-pipeline/recall-pipeline.ts';
import { recallPipelineStatusSchema, type RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import { pipelineContext, type PipelineContext } from '../charts/pipeline-context.ts';
import { apiErrorMessage, isNotFound, type Cluster } from './cluster-access.ts';
import { PluginError } from './plugin-command.ts';

/** A RecallPipeline as the apiserver returns it. */
export interface PipelineObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    generation?: number;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
  };
  spec?: unknown;
  status?: unknown;
}

export interface FoundPipeline {
  readonly object: PipelineObject;
  readonly pipeline: RecallPipeline;
  readonly ctx: PipelineContext;
  /** The status as the schema reads it; empty before the operator's first reconcile. */
  readonly status: RecallPipelineStatus;
}

/** How every message names the pipeline: `recallpipeline "x" in namespace "y"`. */
export function pipelineRef(name: string, namespace: string): string {
  return `${SINGULAR} "${name}" in namespace "${namespace}"`;
}

export async function readPipeline(cluster: Cluster, name: string): Promise<FoundPipeline> {
  let object: PipelineObject;
  try {
    object = (await cluster.customObjects.getNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace: cluster.namespace,
      plural: PLURAL,
      name,
    })) as PipelineObject;
  } catch (error) {
    if (isNotFound(error)) throw new PluginError(`${SINGULAR} "${name}" not found in namespace "${cluster.namespace}"`);
    throw new PluginError(`${pipelineRef(name, cluster.namespace)}: ${apiErrorMessage(error)}`);
  }
  return resolvePipeline(object);
}

export function resolvePipeline(object: PipelineObject): FoundPipeline {
  const { name, namespace } = object.metadata;
  let pipeline: RecallPipeline;
  try {
    pipeline = parseRecallPipeline({ metadata: { name, namespace }, spec: object.spec });
  } catch (error) {
    // The apiserver validated the spec against the CRD: only a plugin of another version disagrees.
    throw new PluginError(
      `${pipelineRef(name, namespace)}: its spec does not parse with this plugin's version: ${(error as Error).message.replaceAll('\n', ' ')}`,
    );
  }
  const parsed = recallPipelineStatusSchema.safeParse(object.status ?? {});
  return {
    object,
    pipeline,
    ctx: pipelineContext(pipeline),
    status: parsed.success ? parsed.data : (object.status ?? {}),
  };
}
