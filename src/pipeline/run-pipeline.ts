/**
 * One whole pipeline run, as the Jobs and the Airflow DAG do it in a cluster: the producer reads
 * what is new from the API into Kafka, then the consumer loads the topic into PostgreSQL until it
 * has caught up. With a data file, a local RappelConso API serves it for the run.
 */
import { startRecallApi, type RecallApi } from '../api-server/recall-api.ts';
import type { KafkaSettings, PostgresSettings } from '../config/connection-settings.ts';
import { runConsumer, type ConsumerSummary } from '../consumer/run-consumer.ts';
import type { Logger } from '../logging/logger.ts';
import { DEFAULT_API_URL, DEFAULT_TOPIC, type Dataset } from '../pipeline-defaults.ts';
import { runProducer, type ProducerSummary } from '../producer/run-producer.ts';

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
  producerMs: number;
  consumerMs: number;
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineSummary> {
  let api: RecallApi | undefined;
  try {
    if (options.dataFile !== undefined) {
      api = await startRecallApi({ dataFile: options.dataFile, dataset: options.dataset, host: '127.0.0.1' });
    }
    const topic = options.topic ?? DEFAULT_TOPIC;
    const producerStart = performance.now();
    const producer = await runProducer({
      pipeline: options.pipeline,
      dataset: options.dataset,
      apiUrl: api?.url ?? options.apiUrl ?? DEFAULT_API_URL,
      topic,
      postgres: options.postgres,
      kafka: options.kafka,
      logger: options.logger,
      signal: options.signal,
    });
    const consumerStart = performance.now();
    const consumer = await runConsumer({
      pipeline: options.pipeline,
      topic,
      table: options.table,
      untilCaughtUp: true,
      postgres: options.postgres,
      kafka: options.kafka,
      logger: options.logger,
      signal: options.signal,
    });
    return {
      producer,
      consumer,
      producerMs: consumerStart - producerStart,
      consumerMs: performance.now() - consumerStart,
    };
  } finally {
    await api?.close();
  }
}
