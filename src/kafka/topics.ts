/**
 * Creates the recall topic and its dead-letter topic when missing.
 *
 * Three partitions: messages are keyed by reference, so a recall's versions stay in order on one
 * partition, while up to three consumers can share the load. The volume (about ten thousand
 * records a year) needs no more, and more partitions would only cost broker files and rebalances.
 * Replication is three where the cluster has three brokers, fewer otherwise (one locally).
 */
import type { Admin } from 'kafkajs';

export const RECALL_TOPIC_PARTITIONS = 3;
const PREFERRED_REPLICATION = 3;

export async function ensureTopics(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  const { brokers } = await admin.describeCluster();
  const replicationFactor = Math.min(PREFERRED_REPLICATION, brokers.length);
  // With acks=-1, two in-sync copies must hold a message before it counts, once there are three.
  const minInSync = String(Math.max(1, replicationFactor - 1));
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: RECALL_TOPIC_PARTITIONS,
      replicationFactor,
      configEntries: [{ name: 'min.insync.replicas', value: minInSync }],
    })),
  });
  return missing;
}
