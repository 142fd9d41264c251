/**
 * The partitioner every producer of ours uses: murmur2 on the key, as Java clients do, so any
 * consumer agrees on a reference's partition; and, for a message without a key (a dead letter
 * whose record had no usable reference), murmur2 on the value instead of kafkajs's round robin.
 *
 * Why not round robin: when a send is retried (a leader moved, a new topic not yet served),
 * kafkajs partitions the batch again. Round robin would then put keyless messages on other
 * partitions than the first attempt, whose batches the broker may already have appended; the
 * idempotent producer's sequence numbers for those partitions no longer line up and the broker
 * rejects the retry with "out of order sequence number". A partition that depends only on the
 * message makes a retry an exact duplicate, which the broker recognises and acknowledges.
 */
import { Partitioners, type ICustomPartitioner, type PartitionerArgs } from 'kafkajs';

export const stablePartitioner: ICustomPartitioner = () => {
  const byKey = Partitioners.DefaultPartitioner();
  return (args: PartitionerArgs) => {
    const { message } = args;
    if (message.partition !== undefined || (message.key !== null && message.key !== undefined)) return byKey(args);
    if (message.value === null) return 0;
    return byKey({ ...args, message: { ...message, key: message.value } });
  };
};
