/**
 * How every producer of ours is configured: idempotent (a retried send cannot duplicate or
 * reorder; kafkajs requires one request in flight for it), no topic created by accident (topics
 * are created on purpose, with their partitions and settings), and the stable partitioner.
 */
import type { Kafka, Producer } from 'kafkajs';
import { stablePartitioner } from './stable-partitioner.ts';

export function idempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: stablePartitioner,
  });
}
