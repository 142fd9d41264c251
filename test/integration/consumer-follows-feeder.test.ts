/**
 * runConsumer with `caughtUpAfter`, as `recall pipeline` runs it beside the producer: caught up on
 * an empty topic does not count while the feeder still runs; once it settles, everything it sent is
 * loaded before the consumer stops, and a feeder that fails still has what it sent loaded.
 */
import { describe, expect, it } from 'vitest';
import { runConsumer } from '../../src/consumer/run-consumer.ts';
import {
  kafkaMessage,
  publish,
  realRecords,
  recallRevision,
  uniqueName,
  useSinkTestBed,
} from './recall-topic-fixture.ts';

const bed = useSinkTestBed('follow-feeder');

const messages = realRecords()
  .slice(0, 300)
  .map((raw) => kafkaMessage(recallRevision(raw)));
/** Real data repeats a few references (Safety Gate imports): one row each. */
const distinctReferences = (count: number) => new Set(messages.slice(0, count).map((message) => message.key)).size;

async function rowCount(table: string): Promise<number> {
  const { rows } = await bed.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

describe('a consumer following a feeder (caughtUpAfter)', () => {
  it('keeps consuming while the feeder runs and stops once it has loaded all the feeder sent', async () => {
    const { topic, table } = await bed.freshPipeline();
    let feederDone = false;
    // The topic is empty (caught up) when the consumer starts; the messages arrive in two sends.
    const feeder = (async () => {
      await publish(bed.kafka, topic, messages.slice(0, 150));
      await publish(bed.kafka, topic, messages.slice(150));
      feederDone = true;
    })();
    const summary = await runConsumer({
      pipeline: uniqueName('follow-feeder', '-'),
      topic,
      table,
      untilCaughtUp: true,
      caughtUpAfter: feeder,
      ...bed.connections,
    });
    expect(feederDone).toBe(true);
    expect(summary).toMatchObject({ consumed: 300, inserted: distinctReferences(300), deadLettered: 0 });
    expect(await rowCount(table)).toBe(distinctReferences(300));
  });

  it('still loads what a failed feeder sent, then stops', async () => {
    const { topic, table } = await bed.freshPipeline();
    const feeder = (async () => {
      await publish(bed.kafka, topic, messages.slice(0, 100));
      throw new Error('the feeder failed after 100 messages');
    })();
    const summary = await runConsumer({
      pipeline: uniqueName('follow-feeder', '-'),
      topic,
      table,
      untilCaughtUp: true,
      caughtUpAfter: feeder,
      ...bed.connections,
    });
    await expect(feeder).rejects.toThrow('the feeder failed after 100 messages');
    expect(summary).toMatchObject({ consumed: 100, inserted: distinctReferences(100) });
    expect(await rowCount(table)).toBe(distinctReferences(100));
  });
});
