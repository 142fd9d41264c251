/**
 * The sink: reads the recall topic as a consumer group and upserts each batch into the recall
 * table. For every batch, in this order: messages that fail validation go to the dead-letter topic;
 * the newest revision per recall is upserted in one database transaction; only then is the
 * partition's offset committed. A crash between two steps replays the batch, and the upsert makes
 * the replay change nothing: at-least-once delivery, exactly-once effect.
 */
import { Kafka, logLevel, type EachBatchPayload, type Message } from 'kafkajs';
import pg from 'pg';
import type { KafkaSettings, PostgresSettings } from '../config/connection-settings.ts';
import { placedError, postgresPlace } from '../errors/placed-error.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { DEFAULT_TABLE, DEFAULT_TOPIC, deadLetterTopic } from '../../contract/pipeline-defaults.ts';
import { copyUpsertWithSheets } from '../postgres/copy-upsert.ts';
import { migrate } from '../postgres/migrate.ts';
import { sheetsTable, tableName } from '../postgres/table-name.ts';
import type { RecallRevision } from '../records/recall-revision.ts';
import { toRecallRow } from '../transform/to-recall-row.ts';
import { consumerGroupId } from './consumer-group.ts';
import { deadLetterMessage } from './dead-letter.ts';
import { groupLag, isCaughtUp } from './group-lag.ts';
import { idempotentProducer } from '../kafka/idempotent-producer.ts';
import { kafkajsLogCreator } from '../kafka/kafkajs-log.ts';
import { RECALL_TOPIC_PARTITIONS } from '../kafka/topics.ts';
import { Notifier } from './notifier.ts';
import { parseRecallMessage } from './parse-recall-message.ts';

export interface ConsumerOptions {
  /** The RecallPipeline's name: the consumer group is derived from it. */
  readonly pipeline: string;
  readonly topic?: string;
  readonly table?: string;
  /** Where invalid messages go; by default the topic's name with `.dead-letter` appended. */
  readonly deadLetterTopic?: string;
  /** Return once the group has committed every partition up to its high watermark. */
  readonly untilCaughtUp?: boolean;
  /**
   * Reset the group's committed offsets to the topic's beginning before joining, so the table is
   * loaded again from every message the topic still holds (after `recall migrate --restore`).
   */
  readonly fromBeginning?: boolean;
  /**
   * With `untilCaughtUp`: the topic is still being fed until this settles (resolved or rejected),
   * so being caught up only counts after it, e.g. a producer running beside this consumer.
   */
  readonly caughtUpAfter?: Promise<unknown>;
  readonly postgres: PostgresSettings;
  readonly kafka: KafkaSettings;
  /** Aborting stops the consumer cleanly: the batch in flight is finished and committed first. */
  readonly signal?: AbortSignal;
  /** Fetch size per partition, which bounds a batch (default FETCH_BYTES_PER_PARTITION). */
  readonly maxBytesPerPartition?: number;
  readonly logger?: Logger;
}

export interface ConsumerSummary {
  /** Every message read, valid or not. */
  consumed: number;
  inserted: number;
  updated: number;
  /** Valid messages that changed nothing: replays, older revisions, duplicates within a batch. */
  unchanged: number;
  deadLettered: number;
  /** Rows in the table when the consumer stopped. */
  tableRows: number;
  /** Rows in its sheets table then: every distinct recall sheet. */
  sheetRows: number;
  /** With `untilCaughtUp`: every partition was stored up to its end (false when stopped before). */
  caughtUp: boolean;
}

export function summaryLine(summary: ConsumerSummary): string {
  const upserted = summary.inserted + summary.updated;
  return (
    `consumed=${summary.consumed} upserted=${upserted} (inserted=${summary.inserted} updated=${summary.updated}) ` +
    `unchanged=${summary.unchanged} dead-lettered=${summary.deadLettered} table-rows=${summary.tableRows} ` +
    `sheet-rows=${summary.sheetRows}`
  );
}

const KAFKA_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
/** The lag is checked after every stored batch; this poll only covers a group that receives none. */
const CAUGHT_UP_POLL_MS = 500;
/**
 * Partitions whose batches are stored at once, each in its own transaction on its own connection:
 * while PostgreSQL stores one batch, the next is decoded and transformed. The recall topic has
 * three (src/kafka/topics.ts). Keys never cross partitions, so concurrent batches touch
 * different rows.
 */
const CONCURRENT_PARTITIONS = RECALL_TOPIC_PARTITIONS;
/**
 * A fetch holds this much per partition (kafkajs's default is 1 MiB; 4 MiB made the largest
 * batches): a batch's messages, their parsed records, rows and COPY text are all alive together,
 * times the partitions stored at once. 256 KiB, about 100 real records, keeps the consumer's peak
 * near 120 MB at 1, 10 and 30 times the real records (bench/suites/memory.ts; 512 KiB: 122 to
 * 145 MB), for more, smaller transactions at about the same CPU.
 */
const FETCH_BYTES_PER_PARTITION = 256 * 1024;

/** Work on a pooled connection; one that failed is closed, not reused (closing rolls back an open transaction). */
async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    const result = await work(client);
    client.release();
    return result;
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

export async function runConsumer(options: ConsumerOptions): Promise<ConsumerSummary> {
  // Observed from the start: a feeder that fails while we connect is not an unhandled rejection.
  const feederSettled = options.caughtUpAfter?.then(
    () => undefined,
    () => undefined,
  );
  const groupId = consumerGroupId(options.pipeline);
  const topic = options.topic ?? DEFAULT_TOPIC;
  const deadLetters = options.deadLetterTopic ?? deadLetterTopic(topic);
  for (const [flag, name] of [
    ['--topic', topic],
    ['--dead-letter-topic', deadLetters],
  ] as const) {
    if (!KAFKA_TOPIC.test(name))
      throw new Error(`${flag}=${JSON.stringify(name)}: expected a Kafka topic name (letters, digits, '.', '_', '-')`);
  }
  const table = tableName(options.table ?? DEFAULT_TABLE);
  const sheets = sheetsTable(table);
  const logger = (options.logger ?? createLogger('consumer')).child({
    pipeline: options.pipeline,
    topic,
    table: table.name,
  });

  const summary: ConsumerSummary = {
    consumed: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    deadLettered: 0,
    tableRows: 0,
    sheetRows: 0,
    caughtUp: false,
  };
  const batchStored = new Notifier();
  // Ends every wait of this run, whatever ended it: nothing may keep the process alive after.
  const finished = new AbortController();
  const stopping = AbortSignal.any([finished.signal, ...(options.signal ? [options.signal] : [])]);
  let failure: { error: unknown } | undefined;
  let reject: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, rejectFailed) => {
    reject = rejectFailed;
  });
  const fail = (error: unknown) => {
    failure ??= { error };
    reject(error);
    finished.abort();
  };
  // Kept handled: it is raced below, and may reject after the race is over.
  failed.catch(() => {});

  const where = {
    postgres: `${postgresPlace(options.postgres)}, table ${table.name}`,
    kafka: `Kafka ${options.kafka.brokers.join(',')}, topic ${topic}, group ${groupId}`,
  };
  const failWith = (place: string) => (error: unknown) => fail(placedError(place, error));

  // One connection per partition processed at once: each batch is its own transaction.
  const db = new pg.Pool({ ...options.postgres, max: CONCURRENT_PARTITIONS });
  db.on('error', failWith(where.postgres));
  const kafka = new Kafka({
    clientId: `recall-consumer-${options.pipeline}`,
    brokers: options.kafka.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator(logger.child({ component: 'kafkajs' })),
  });
  const admin = kafka.admin();
  // Dead letters keep their key, partitioned like the producer's. Connected on the first one: most
  // runs have none, and a connection costs an idempotent producer's id on every start.
  const producer = idempotentProducer(kafka);
  let producerConnected: Promise<void> | undefined;
  const consumer = kafka.consumer({
    groupId,
    maxBytesPerPartition: options.maxBytesPerPartition ?? FETCH_BYTES_PER_PARTITION,
    maxBytes: (options.maxBytesPerPartition ?? FETCH_BYTES_PER_PARTITION) * CONCURRENT_PARTITIONS,
    // How long a fetch waits on an idle partition; stopping waits for it, so a run that ends when
    // caught up keeps it short.
    maxWaitTimeInMs: options.untilCaughtUp ? 50 : 5000,
    // A failure that kafkajs cannot retry ends the run (the Job or the caller decides what next)
    // rather than a silent restart loop; nothing is committed past the last stored batch either way.
    retry: { restartOnFailure: () => Promise.resolve(false) },
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) failWith(where.kafka)(payload.error);
  });

  async function processBatch(payload: EachBatchPayload) {
    const { batch } = payload;
    // Once the run has failed no batch starts: none may commit past the one that failed.
    if (failure || !payload.isRunning() || batch.messages.length === 0) return;
    const valid: RecallRevision[] = [];
    const rejected: Message[] = [];
    for (const message of batch.messages) {
      const parsed = parseRecallMessage(message);
      if (parsed.ok) valid.push(parsed.message);
      else {
        logger.warn(
          { partition: batch.partition, offset: message.offset, reason: parsed.reason },
          'dead-lettered a message',
        );
        rejected.push(deadLetterMessage(message, batch, parsed.reason));
      }
    }
    // Dead letters first: once the offset is committed they must already be safe.
    if (rejected.length > 0) {
      await (producerConnected ??= producer.connect());
      await producer.send({ topic: deadLetters, messages: rejected, acks: -1 });
    }

    const rows = valid.map(toRecallRow);
    let counts;
    try {
      counts = await withClient(db, async (client) => {
        await client.query('BEGIN');
        const stored = await copyUpsertWithSheets(client, table, rows);
        await client.query('COMMIT');
        return stored;
      });
    } catch (error) {
      // The run ends here, uncommitted, rather than kafkajs retrying the batch for ten seconds:
      // a missing table or a revoked privilege does not heal by itself, and for an outage the
      // Job's or Airflow's retry runs the consumer again from its last committed offset.
      failWith(where.postgres)(error);
      return;
    }
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
    });
    payload.resolveOffset(batch.lastOffset());

    summary.consumed += batch.messages.length;
    summary.deadLettered += rejected.length;
    summary.inserted += counts.inserted;
    summary.updated += counts.updated;
    summary.unchanged += valid.length - counts.inserted - counts.updated;
    logger.debug({ partition: batch.partition, next, messages: batch.messages.length, ...counts }, 'stored a batch');
    batchStored.notify();
    await payload.heartbeat();
  }

  /** Checks the topics; false when a run until caught up finds nothing to do, so it need not join the group. */
  async function joinGroup(): Promise<boolean> {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    for (const [flag, name] of [
      ['--topic', topic],
      ['--dead-letter-topic', deadLetters],
    ] as const) {
      if (!existing.has(name)) throw new Error(`${flag}: topic ${JSON.stringify(name)} does not exist`);
    }
    if (options.fromBeginning) {
      await admin.resetOffsets({ groupId, topic, earliest: true });
      logger.info({ groupId }, 'reset the group to the beginning of the topic');
    } else if (options.untilCaughtUp && options.caughtUpAfter === undefined) {
      // Joining a group costs a rebalance; a scheduled run with nothing new skips it.
      if (isCaughtUp(await groupLag(admin, groupId, topic))) return false;
    }
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: CONCURRENT_PARTITIONS,
      eachBatch: processBatch,
    });
    return true;
  }

  async function stopWanted(): Promise<void> {
    if (stopping.aborted) return;
    const aborted = new Promise<void>((resolve) => stopping.addEventListener('abort', () => resolve(), { once: true }));
    if (!options.untilCaughtUp) return aborted;
    // Whatever way the feeder ends, what it did send is still loaded before stopping.
    await Promise.race([feederSettled, aborted]);
    while (!stopping.aborted) {
      const seen = batchStored.count;
      const lag = await groupLag(admin, groupId, topic).catch((error: unknown) => {
        throw placedError(where.kafka, error);
      });
      if (isCaughtUp(lag)) {
        summary.caughtUp = true;
        return;
      }
      await batchStored.after(seen, CAUGHT_UP_POLL_MS, stopping);
    }
  }

  try {
    const migrations = await withClient(db, (client) => migrate(client, table)).catch((error: unknown) => {
      throw placedError(where.postgres, error);
    });
    if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, 'applied migrations');
    const joined = await joinGroup().catch((error: unknown) => {
      throw placedError(where.kafka, error);
    });
    if (joined) {
      logger.info({ groupId, untilCaughtUp: options.untilCaughtUp ?? false }, 'consuming');
      await Promise.race([stopWanted(), failed]);
      // Waits for the batch in flight, which commits its offset before it returns.
      await consumer.disconnect();
      if (failure) throw failure.error;
    } else {
      logger.info({ groupId }, 'already caught up: nothing to consume');
      summary.caughtUp = true;
    }
    const { rows } = await db.query<{ table_rows: string; sheet_rows: string }>(
      `SELECT (SELECT count(*) FROM ${table.sql}) AS table_rows, (SELECT count(*) FROM ${sheets.sql}) AS sheet_rows`,
    );
    summary.tableRows = Number(rows[0]!.table_rows);
    summary.sheetRows = Number(rows[0]!.sheet_rows);
    logger.info(summary, 'stopped');
    return summary;
  } finally {
    finished.abort();
    await consumer.disconnect().catch(() => {});
    if (producerConnected) await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await db.end().catch(() => {});
  }
}
