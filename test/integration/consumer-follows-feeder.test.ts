/**
 * runConsumer with `caughtUpAfter`, as `recall pipeline` runs it beside the producer: caught up on
 * an empty topic does not count while the feeder still runs; once it settles, everything it sent is
 * loaded before the consumer stops, and a feeder that fails still has what it sent loaded.
 */
import type { Admin, Kafka } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsumer } from '../../src/consumer/run-consumer.ts';
import {
  connectedPostgres,
  createRecallTopics,
  deleteRecallTopics,
  dropRecallTable,
  kafkaClient,
  kafkaMessage,
  publish,
  realRecords,
  recallMessage,
  sinkConnections,
  uniqueName,
  type SinkConnections,
} from './recall-topic-fixture.ts';

let connections: SinkConnections;
let kafka: Kafka;
let admin: Admin;
let db: pg.Client;
const topics: string[] = [];
const tables: string[] = [];
const messages = realRecords()
  .slice(0, 300)
  .map((raw) => kafkaMessage(recallMessage(raw)));
/** Real data repeats a few references (Safety Gate imports): one row each. */
const distinctReferences = (count: number) => new Set(messages.slice(0, count).map((message) => message.key)).size;

beforeAll(async () => {
  connections = await sinkConnections();
  kafka = kafkaClient(connections.kafka);
  admin = kafka.admin();
  await admin.connect();
  db = await connectedPostgres(connections.postgres);
});

afterAll(async () => {
  for (const topic of topics) await deleteRecallTopics(admin, topic);
  for (const table of tables) await dropRecallTable(db, table);
  await admin?.disconnect();
  await db?.end();
});

async function emptyTopic(): Promise<{ topic: string; table: string }> {
  const topic = uniqueName('follow-feeder', '-');
  const table = uniqueName('follow_feeder');
  topics.push(topic);
  tables.push(table);
  await createRecallTopics(admin, topic);
  return { topic, table };
}

async function rowCount(table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

describe('a consumer following a feeder (caughtUpAfter)', () => {
  it('keeps consuming while the feeder runs and stops once it has loaded all the feeder sent', async () => {
    const { topic, table } = await emptyTopic();
    let feederDone = false;
    // The topic is empty (caught up) when the consumer starts; the messages arrive in two sends.
    const feeder = (async () => {
      await publish(kafka, topic, messages.slice(0, 150));
      await publish(kafka, topic, messages.slice(150));
      feederDone = true;
    })();
    const summary = await runConsumer({
      pipeline: uniqueName('follow-feeder', '-'),
      topic,
      table,
      untilCaughtUp: true,
      caughtUpAfter: feeder,
      ...connections,
    });
    expect(feederDone).toBe(true);
    expect(summary).toMatchObject({ consumed: 300, inserted: distinctReferences(300), deadLettered: 0 });
    expect(await rowCount(table)).toBe(distinctReferences(300));
  });

  it('still loads what a failed feeder sent, then stops', async () => {
    const { topic, table } = await emptyTopic();
    const feeder = (async () => {
      await publish(kafka, topic, messages.slice(0, 100));
      throw new Error('the feeder failed after 100 messages');
    })();
    const summary = await runConsumer({
      pipeline: uniqueName('follow-feeder', '-'),
      topic,
      table,
      untilCaughtUp: true,
      caughtUpAfter: feeder,
      ...connections,
    });
    await expect(feeder).rejects.toThrow('the feeder failed after 100 messages');
    expect(summary).toMatchObject({ consumed: 100, inserted: distinctReferences(100) });
    expect(await rowCount(table)).toBe(distinctReferences(100));
  });
});
