/**
 * The consumer group of a pipeline: one per RecallPipeline, so every consumer replica of a pipeline
 * shares its partitions and offsets, and two pipelines never steal each other's messages.
 */

/** A Kubernetes object name (RFC 1123 subdomain), which is what a RecallPipeline's name is. */
const PIPELINE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function consumerGroupId(pipeline: string, field = '--pipeline'): string {
  if (pipeline.length > 253 || !PIPELINE_NAME.test(pipeline)) {
    throw new Error(
      `${field}=${JSON.stringify(pipeline)}: expected a RecallPipeline name (lower-case letters, digits, '-' and '.', at most 253 characters)`,
    );
  }
  return `recall-sink.${pipeline}`;
}
