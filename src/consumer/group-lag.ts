/**
 * How far a consumer group is behind on a topic: per partition, the high watermark minus the
 * committed offset (or minus the low watermark when nothing is committed yet).
 */
import type { Admin } from 'kafkajs';

export interface PartitionLag {
  readonly partition: number;
  readonly committed: number;
  readonly high: number;
  readonly lag: number;
}

export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> {
  const [watermarks, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedByPartition = new Map(committed?.partitions.map((entry) => [entry.partition, Number(entry.offset)]));
  return watermarks.map(({ partition, high, low }) => {
    const offset = committedByPartition.get(partition) ?? -1;
    const position = offset < 0 ? Number(low) : offset;
    return { partition, committed: offset, high: Number(high), lag: Math.max(0, Number(high) - position) };
  });
}

export function isCaughtUp(lags: readonly PartitionLag[]): boolean {
  return lags.every((entry) => entry.lag === 0);
}
