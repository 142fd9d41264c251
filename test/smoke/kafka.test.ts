import { Kafka, logLevel, Partitioners, type Admin, type Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionFor } from '../infra/connection.ts';

const messageCount = 10_000;
const batchSize = 1_000;

describe('Kafka (real KRaft broker from Maven Central jars)', () => {
  let client: Kafka;
  let admin: Admin;
  const topic = `smoke-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    const env = await connectionFor('kafka');
    client = new Kafka({
      clientId: 'recall-smoke',
      brokers: (env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.WARN,
    });
    admin = client.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('creates a 3-partition topic', async () => {
    expect(
      await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true }),
    ).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics).toHaveLength(1);
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('produces 10,000 keyed messages and a new consumer group reads every one back, committing offsets', async () => {
    const producer = client.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      for (let start = 0; start < messageCount; start += batchSize) {
        const messages: Message[] = [];
        for (let index = start; index < Math.min(start + batchSize, messageCount); index++) {
          messages.push({ key: `key-${index}`, value: JSON.stringify({ index }) });
        }
        await producer.send({ topic, messages, acks: -1 });
      }
    } finally {
      await producer.disconnect();
    }

    const groupId = `${topic}-group`;
    const consumer = client.consumer({ groupId });
    const seen = new Set<string>();
    let received = 0;
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const allRead = new Promise<void>((resolve, reject) => {
        consumer
          .run({
            // Commit explicitly after each batch, so the offsets check below does not race auto-commit.
            autoCommit: false,
            eachBatch: async ({ batch, ...payload }) => {
              for (const message of batch.messages) {
                seen.add(message.key?.toString() ?? '');
                received++;
              }
              await consumer.commitOffsets([
                {
                  topic: batch.topic,
                  partition: batch.partition,
                  offset: (BigInt(batch.lastOffset()) + 1n).toString(),
                },
              ]);
              await payload.heartbeat();
              if (received >= messageCount) resolve();
            },
          })
          .catch(reject);
      });
      await allRead;
    } finally {
      await consumer.disconnect();
    }

    expect(received).toBe(messageCount);
    expect(seen.size).toBe(messageCount);
    const missing = Array.from({ length: messageCount }, (_, index) => `key-${index}`).filter((key) => !seen.has(key));
    expect(missing).toEqual([]);

    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets?.partitions).toHaveLength(3);
    const committed = (offsets?.partitions ?? []).reduce((sum, partition) => sum + Number(partition.offset), 0);
    expect(committed).toBe(messageCount);
  });
});
