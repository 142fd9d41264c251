/**
 * One whole pipeline run, as the Jobs and the Airflow DAG do it in a cluster: the producer reads
 * what is new from the API into Kafka while the consumer loads the topic into PostgreSQL; the run
 * ends once the producer is done and the consumer has caught up with everything it sent. With a
 * data file, a local RappelConso API serves it for the run.
 *
 * Running both at once changes no guarantee: the producer still checkpoints only what the broker
 * acknowledged, the consumer still commits offsets only after the database commit, and a fresh
 * group reads the topic from its beginning whenever it joins.
 */
import { Kafka, logLevel } from 'kafkajs';
import { startRecallApi, type RecallApi } from '../local-explore-api/recall-api.ts';
import type { KafkaSettings, PostgresSettings } from '../config/connection-settings.ts';
import { runConsumer, type ConsumerSummary } from '../consumer/run-consumer.ts';
import type { Logger } from '../logging/logger.ts';
import { DEFAULT_API_URL, DEFAULT_TOPIC, deadLetterTopic, type Dataset } from '../../contract/pipeline-defaults.ts';
import { runProducer, type ProducerSummary } from '../producer/run-producer.ts';
import { ensureTopics } from '../kafka/topics.ts';

export interface PipelineOptions {
  pipeline: string;
  dataset: Dataset;
  /** A JSONL file of API records to serve locally; otherwise `apiUrl` is read. */
  dataFile?: string;
  apiUrl?: string;
  topic?: string;
  table?: string;
  postgres: PostgresSettings;
  kafka: KafkaSettings;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface PipelineSummary {
  producer: ProducerSummary;
  consumer: ConsumerSummary;
  /** From the start of the run to the producer's end. */
  producerMs: number;
  /** From the start of the run to the consumer's end, which is the end of the run. */
  durationMs: number;
}

/** The consumer checks that its topics exist, so they are made before either side starts. */
async function createTopics(kafka: KafkaSettings, topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'recall-pipeline', brokers: kafka.brokers, logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [topic, deadLetterTopic(topic)]);
  } finally {
    await admin.disconnect();
  }
}

function elapsedSince(start: number) {
  return () => performance.now() - start;
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineSummary> {
  let api: RecallApi | undefined;
  try {
    if (options.dataFile !== undefined) {
      api = await startRecallApi({ dataFile: options.dataFile, dataset: options.dataset, host: '127.0.0.1' });
    }
    const topic = options.topic ?? DEFAULT_TOPIC;
    const start = performance.now();
    const elapsed = elapsedSince(start);
    await createTopics(options.kafka, topic);
    // A consumer that fails stops the producer after its current page (sent and checkpointed).
    const consumerFailed = new AbortController();
    const producerSignal = AbortSignal.any(
      [consumerFailed.signal, options.signal].filter((signal) => signal !== undefined),
    );
    let producerMs = 0;
    const producing = runProducer({
      pipeline: options.pipeline,
      dataset: options.dataset,
      apiUrl: api?.url ?? options.apiUrl ?? DEFAULT_API_URL,
      topic,
      postgres: options.postgres,
      kafka: options.kafka,
      logger: options.logger,
      signal: producerSignal,
    }).finally(() => (producerMs = elapsed()));
    const consuming = runConsumer({
      pipeline: options.pipeline,
      topic,
      table: options.table,
      untilCaughtUp: true,
      caughtUpAfter: producing,
      postgres: options.postgres,
      kafka: options.kafka,
      logger: options.logger,
      signal: options.signal,
    });
    consuming.catch(() => consumerFailed.abort());
    const [producer, consumer] = await Promise.allSettled([producing, consuming]);
    // When both fail, the producer's error is reported: the consumer only failed after it, on the same cause.
    if (producer.status === 'rejected') throw producer.reason;
    if (consumer.status === 'rejected') throw consumer.reason;
    return { producer: producer.value, consumer: consumer.value, producerMs, durationMs: elapsed() };
  } finally {
    await api?.close();
  }
}
