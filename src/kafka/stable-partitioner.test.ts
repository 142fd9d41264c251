import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { stablePartitioner } from './stable-partitioner.ts';

const partitionMetadata: PartitionMetadata[] = [0, 1, 2].map((partitionId) => ({
  partitionId,
  leader: 1,
  partitionErrorCode: 0,
  replicas: [1],
  isr: [1],
}));
const args = (message: PartitionerArgs['message']): PartitionerArgs => ({ topic: 't', partitionMetadata, message });

describe('stablePartitioner', () => {
  it('places keyed messages where the Java-compatible default partitioner does', () => {
    const ours = stablePartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (const key of ['2021-01-0001', '2023-05-0412', 'x']) {
      expect(ours(args({ key, value: 'v' }))).toBe(theirs(args({ key, value: 'v' })));
    }
  });

  it('places a keyless message on the same partition every time, so a retried batch is an exact duplicate', () => {
    const values = Array.from({ length: 30 }, (_, i) => JSON.stringify({ reason: 'no reference', i }));
    const first = stablePartitioner();
    const second = stablePartitioner();
    const placed = values.map((value) => first(args({ key: null, value })));
    expect(values.map((value) => first(args({ key: null, value })))).toEqual(placed);
    expect(values.map((value) => second(args({ key: null, value })))).toEqual(placed);
    expect(new Set(placed).size).toBeGreaterThan(1);
    expect(first(args({ key: null, value: null }))).toBe(0);
  });

  it('honours an explicit partition', () => {
    expect(stablePartitioner()(args({ key: 'k', value: 'v', partition: 2 }))).toBe(2);
  });
});
