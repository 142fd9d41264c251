/**
 * The pipeline's two topics, described once: rendered as Strimzi KafkaTopics, or created by the
 * operator through the Kafka admin API when the cluster is external.
 */
import type { PipelineContext } from './pipeline-context.ts';

export type TopicRole = 'main' | 'dead-letter';

export interface TopicDefinition {
  readonly role: TopicRole;
  readonly name: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly config: Readonly<Record<string, string>>;
}

export function pipelineTopics(ctx: PipelineContext): TopicDefinition[] {
  const { partitions, replicas, retentionMs } = ctx.spec.kafka;
  const config = { 'retention.ms': String(retentionMs), 'cleanup.policy': 'delete' };
  return [
    { role: 'main', name: ctx.topic, partitions, replicas, config },
    { role: 'dead-letter', name: ctx.deadLetterTopic, partitions, replicas, config },
  ];
}
