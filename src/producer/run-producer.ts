/**
 * One producer run: read what was published since the checkpoint from the Explore API, validate
 * each record, send valid ones to the recall topic and invalid ones to its dead-letter topic, and
 * advance the checkpoint after each batch the broker acknowledged (idempotent producer, acks from
 * all in-sync replicas). A crash at any point loses nothing: the checkpoint never passes an
 * unacknowledged message, so the next run re-sends at most the last unacknowledged batch.
 */
import { Kafka, logLevel, type Admin, type Message, type Producer } from 'kafkajs';
import type { KafkaSettings } from '../config/connection-settings.ts';
import { idempotentProducer } from '../kafka/idempotent-producer.ts';
import { kafkajsLogCreator } from '../kafka/kafkajs-log.ts';
import { placedError, postgresPlace } from '../errors/placed-error.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { deadLetterTopic, DEFAULT_TOPIC, type Dataset } from '../../contract/pipeline-defaults.ts';
import { recallMessage } from '../records/recall-message.ts';
import type { RawRecord } from '../records/dataset-source.ts';
import { datasetSource } from '../records/dataset-sources.ts';
import { ExploreClient } from '../source/explore-client.ts';
import { publicationInstant } from '../source/publication-time.ts';
import { recordPages } from '../source/record-pages.ts';
import type { RetryPolicy } from '../source/retry-policy.ts';
import { validateRecord } from '../records/validate-record.ts';
import { ResumeCursor, type Checkpoint } from './checkpoint.ts';
import { CheckpointStore, type CheckpointDatabase } from './checkpoint-store.ts';
import type { DeadLetterMessage } from './dead-letter-message.ts';
import { createProgress, type Progress } from './progress.ts';
import { ensureTopics } from '../kafka/topics.ts';

export interface ProducerOptions {
  /** The RecallPipeline's name: whose checkpoint this run reads and advances. */
  pipeline: string;
  dataset: Dataset;
  /** Up to and excluding `/api/explore/v2.1`. */
  apiUrl: string;
  topic?: string;
  /** YYYY-MM-DD: leave out records published before it (the checkpoint wins when later). */
  since?: string;
  /** Stop after this many new records (sent or dead-lettered). */
  maxRecords?: number;
  /** Read and validate, but send nothing and leave the checkpoint alone. */
  dryRun?: boolean;
  kafka: KafkaSettings;
  postgres: CheckpointDatabase;
  /** Messages per send, and so per checkpoint write. */
  batchSize?: number;
  pageSize?: number;
  /** An extra ODSQL condition the API applies (spec.source.filter). */
  filter?: string;
  /** Where invalid records go; deadLetterTopic(topic) when unset. */
  deadLetterTopic?: string;
  /** The most records a publication window may hold (the API's 10,000; lower to exercise splitting). */
  windowCap?: number;
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  progress?: Progress;
  /** Aborting stops after the current page; what was read is still sent and checkpointed. */
  signal?: AbortSignal;
}

export interface ProducerSummary {
  pipeline: string;
  dataset: Dataset;
  topic: string;
  /** Records the API returned, including those an earlier run had already sent. */
  fetched: number;
  sent: number;
  deadLettered: number;
  /** Re-read at the checkpoint's publication value and left out. */
  alreadySent: number;
  checkpoint: Checkpoint | undefined;
  windows: number;
  requests: number;
  durationMs: number;
  dryRun: boolean;
  /** Everything new was read (or --max-records reached); false when a stop signal ended the run first. */
  complete: boolean;
}

/**
 * Records per send, and so per checkpoint write: a batch's raw records and messages are alive
 * together, so 100 (one API page) rather than 500 keeps the producer's peak near 135 MB at any
 * input size (bench/suites/memory.ts), for one more small checkpoint write per page.
 */
export const DEFAULT_BATCH_SIZE = 100;

function checkOptions(options: ProducerOptions): void {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(options.pipeline)) {
    throw new Error(`pipeline="${options.pipeline}": expected a Kubernetes object name (lower case, digits, - and .)`);
  }
  if (options.since !== undefined && publicationInstant(options.since, 'date') === undefined) {
    throw new Error(`since="${options.since}": expected a date as YYYY-MM-DD`);
  }
  if (options.maxRecords !== undefined && !(Number.isInteger(options.maxRecords) && options.maxRecords > 0)) {
    throw new Error(`maxRecords=${options.maxRecords}: expected a positive whole number`);
  }
}

export function describeCheckpoint(checkpoint: Checkpoint | undefined): string {
  return checkpoint ? `${checkpoint.publication} (+${checkpoint.sentAtPublication.length} at it)` : 'none';
}

interface Batch {
  raws: RawRecord[];
  recalls: Message[];
  deadLetters: Message[];
}

const emptyBatch = (): Batch => ({ raws: [], recalls: [], deadLetters: [] });

async function topicIsEmpty(admin: Admin, topic: string): Promise<boolean> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.every((partition) => partition.high === '0');
}

export async function runProducer(options: ProducerOptions): Promise<ProducerSummary> {
  checkOptions(options);
  const started = performance.now();
  const logger = options.logger ?? createLogger('producer');
  const progress = options.progress ?? createProgress(logger);
  const source = datasetSource(options.dataset);
  const topic = options.topic ?? DEFAULT_TOPIC;
  const dlq = options.deadLetterTopic ?? deadLetterTopic(topic);
  const dryRun = options.dryRun ?? false;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const client = new ExploreClient({
    baseUrl: options.apiUrl,
    timeoutMs: options.requestTimeoutMs,
    retry: options.retry,
    onRetry: (notice) => logger.warn(notice, 'retrying an API request'),
    ...(options.signal && { signal: options.signal }),
  });

  const store = await CheckpointStore.open(options.postgres, options.pipeline, options.dataset, {
    exclusive: !dryRun,
  });
  const kafka = new Kafka({
    clientId: `recall-producer-${options.pipeline}`,
    brokers: options.kafka.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator(logger.child({ component: 'kafkajs' })),
  });
  let producer: Producer | undefined;
  // Connected before the first send: a run with nothing new then costs no producer id.
  let producerConnected: Promise<void> | undefined;
  const summary: ProducerSummary = {
    pipeline: options.pipeline,
    dataset: options.dataset,
    topic,
    fetched: 0,
    sent: 0,
    deadLettered: 0,
    alreadySent: 0,
    checkpoint: undefined,
    windows: 0,
    requests: 0,
    durationMs: 0,
    dryRun,
    complete: false,
  };

  try {
    let stored = await store.load();
    if (!dryRun) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const created = await ensureTopics(admin, [topic, dlq]);
        if (created.length > 0) logger.info({ topics: created }, 'created topics');
        // End offsets never go down, retention included: empty topics behind a checkpoint were
        // deleted and created again, or the pipeline now sends to other topics. Either way, what
        // the checkpoint counts as sent is not there, so everything is sent again (the table's
        // upsert makes that harmless).
        if (stored !== undefined && (await topicIsEmpty(admin, topic)) && (await topicIsEmpty(admin, dlq))) {
          logger.warn(
            { topic, checkpoint: describeCheckpoint(stored), recordsSent: stored.recordsSent },
            'the topic holds no message, yet the checkpoint counts records as sent: sending everything again',
          );
          stored = undefined;
        }
      } finally {
        await admin.disconnect();
      }
      producer = idempotentProducer(kafka);
    }
    const cursor = new ResumeCursor(source, stored, options.since);
    summary.checkpoint = cursor.checkpoint;
    logger.info(
      { pipeline: options.pipeline, dataset: options.dataset, topic, checkpoint: stored, from: cursor.lowerBound },
      'producer starting',
    );

    let batch = emptyBatch();
    let sendFailed = false;
    const report = () =>
      progress.update({
        fetched: summary.fetched,
        sent: summary.sent,
        deadLettered: summary.deadLettered,
        alreadySent: summary.alreadySent,
        checkpoint: describeCheckpoint(summary.checkpoint),
      });
    const flush = async () => {
      if (batch.raws.length === 0) return;
      if (producer) {
        const sending = producer;
        const send = async () => {
          await (producerConnected ??= sending.connect());
          await sending.sendBatch({
            acks: -1,
            topicMessages: [
              { topic, messages: batch.recalls },
              { topic: dlq, messages: batch.deadLetters },
            ].filter((entry) => entry.messages.length > 0),
          });
        };
        await send().catch((error: unknown) => {
          sendFailed = true;
          throw placedError(`Kafka ${options.kafka.brokers.join(',')}, topic ${topic}`, error);
        });
        for (const raw of batch.raws) cursor.acknowledge(raw);
        const checkpoint = cursor.checkpoint;
        if (checkpoint) {
          await store.save(checkpoint, batch.raws.length).catch((error: unknown) => {
            throw placedError(`${postgresPlace(options.postgres)}, checkpoint of ${options.pipeline}`, error);
          });
        }
        summary.checkpoint = checkpoint;
      }
      summary.sent += batch.recalls.length;
      summary.deadLettered += batch.deadLetters.length;
      batch = emptyBatch();
      report();
    };

    const newRecords = () => summary.sent + summary.deadLettered + batch.raws.length;
    let readFailure: Error | undefined;
    let stoppedEarly = false;
    try {
      for await (const page of recordPages(client, source, {
        lowerBound: cursor.lowerBound,
        windowCap: options.windowCap,
        pageSize: options.pageSize,
        filter: options.filter,
        onWindow: (window, count) => {
          summary.windows += 1;
          logger.debug({ window, count }, 'reading a publication window');
        },
      })) {
        const fetchedAt = new Date().toISOString();
        const origin = { dataset: options.dataset, fetchedAt };
        for (const raw of page) {
          if (options.maxRecords !== undefined && newRecords() >= options.maxRecords) break;
          summary.fetched += 1;
          if (cursor.alreadySent(raw)) {
            summary.alreadySent += 1;
            continue;
          }
          const result = validateRecord(source, raw);
          batch.raws.push(raw);
          if (result.valid) {
            batch.recalls.push(recallMessage(result.record.reference_fiche, origin, JSON.stringify(raw)));
          } else {
            const value: DeadLetterMessage = {
              dataset: options.dataset,
              fetchedAt,
              reason: result.reason,
              problems: result.problems,
              raw,
            };
            const reference = raw[source.referenceField];
            batch.deadLetters.push({
              key: typeof reference === 'string' ? reference : null,
              value: JSON.stringify(value),
              headers: { reason: result.reason },
            });
            logger.warn({ reason: result.reason, dataset: options.dataset }, 'record dead-lettered');
          }
          if (batch.raws.length >= batchSize) await flush();
        }
        if (options.maxRecords !== undefined && newRecords() >= options.maxRecords) break;
        if (options.signal?.aborted) {
          logger.info('stop requested: sending what was read, then stopping');
          stoppedEarly = true;
          break;
        }
      }
    } catch (error) {
      if (options.signal?.aborted) {
        logger.info('stop requested during a request: sending what was read, then stopping');
        stoppedEarly = true;
      } else readFailure = error instanceof Error ? error : new Error(String(error));
    }
    if (readFailure === undefined) {
      await flush();
      summary.complete = !stoppedEarly;
    } else {
      // What was read before the failure is still worth sending: the checkpoint moves as far as it can.
      if (!sendFailed)
        await flush().catch((error: unknown) => logger.error({ error }, 'sending the last batch failed'));
      throw readFailure;
    }
  } finally {
    progress.done();
    summary.requests = client.requestCount;
    summary.durationMs = performance.now() - started;
    if (producerConnected)
      await producer?.disconnect().catch((error: unknown) => logger.warn({ error }, 'producer disconnect failed'));
    await store.close();
  }
  logger.info(summary, 'producer finished');
  return summary;
}
