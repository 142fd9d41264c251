/**
 * Real recall records on a real topic, for the sink's tests and benchmark: reads the shared
 * rappelconso0 data, wraps each record in the topic's message format (src/records/recall-message.ts)
 * and publishes it keyed by reference_fiche, as the producer does.
 */
import { Kafka, logLevel, type Admin, type Message } from 'kafkajs';
import pg from 'pg';
import {
  kafkaSettings,
  postgresSettings,
  type KafkaSettings,
  type PostgresSettings,
} from '../../src/config/connection-settings.ts';
import { idempotentProducer } from '../../src/kafka/idempotent-producer.ts';
import { deadLetterTopic, SHEETS_TABLE_SUFFIX } from '../../contract/pipeline-defaults.ts';
import { canonicalRecordSchema } from '../../src/records/canonical-record.ts';
import { recallMessage } from '../../src/records/recall-message.ts';
import type { RecallRevision } from '../../src/records/recall-revision.ts';
import { connectionFor } from '../infra/connection.ts';
import { afterAll, beforeAll } from 'vitest';
import { REAL_DATA_DIR } from '../real-data.ts';
import { findRowDifferences, lastRowPerReference, readJsonLines } from '../original-rows.ts';

export const REAL_DATA_DIRECTORY = `${REAL_DATA_DIR}/rappelconso0`;
export const FETCHED_AT = '2024-05-01T08:00:00.000Z';

function jsonLines<T>(file: string): T[] {
  return readJsonLines<T>(`${REAL_DATA_DIRECTORY}/${file}`);
}

/** The 8,810 records as the API returned them. */
export function realRecords(): Record<string, unknown>[] {
  return jsonLines('records.jsonl');
}

/** Line for line, the original pipeline's row for each record. */
export function expectedRows(): Record<string, string | null>[] {
  return jsonLines('expected-rows.jsonl');
}

/** What the consumer makes of the producer's message for a real record. */
export function recallRevision(raw: Record<string, unknown>, fetchedAt = FETCHED_AT): RecallRevision {
  return { dataset: 'rappelconso0', fetchedAt, record: canonicalRecordSchema.parse(raw), rawJson: JSON.stringify(raw) };
}

/** As the producer sends it: the raw record, keyed by reference, with its origin in headers. */
export function kafkaMessage(revision: RecallRevision): Message {
  return recallMessage(revision.record.reference_fiche, revision, revision.rawJson);
}

let counter = 0;
/** A name no parallel test or engineer uses: lower case, `_`-separated (tables) or `-`-separated. */
export function uniqueName(prefix: string, separator: '_' | '-' = '_'): string {
  counter += 1;
  return [prefix, process.pid, Date.now().toString(36), counter].join(separator);
}

export interface SinkConnections {
  readonly postgres: PostgresSettings;
  readonly kafka: KafkaSettings;
  /** For child processes: the connection variables on top of this process's environment. */
  readonly env: NodeJS.ProcessEnv;
}

export async function sinkConnections(): Promise<SinkConnections> {
  const env = { ...process.env, ...(await connectionFor('postgres')), ...(await connectionFor('kafka')) };
  return { postgres: postgresSettings(env), kafka: kafkaSettings(env), env };
}

export function kafkaClient(settings: KafkaSettings): Kafka {
  return new Kafka({ clientId: 'recall-sink-test', brokers: settings.brokers, logLevel: logLevel.WARN });
}

export async function connectedPostgres(settings: PostgresSettings): Promise<pg.Client> {
  const client = new pg.Client(settings);
  await client.connect();
  return client;
}

/** The recall topic and its dead-letter topic. */
export async function createRecallTopics(admin: Admin, topic: string, numPartitions = 3): Promise<void> {
  await admin.createTopics({
    topics: [topic, deadLetterTopic(topic)].map((name) => ({ topic: name, numPartitions, replicationFactor: 1 })),
    waitForLeaders: true,
  });
}

export async function deleteRecallTopics(admin: Admin, topic: string): Promise<void> {
  await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
}

export async function publish(kafka: Kafka, topic: string, messages: readonly Message[]): Promise<void> {
  const producer = idempotentProducer(kafka);
  await producer.connect();
  try {
    for (let start = 0; start < messages.length; start += 500) {
      await producer.send({ topic, messages: messages.slice(start, start + 500), acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Drops a table made by migrate(), and its sheets table, and forgets them in the tracking table. */
export async function dropRecallTable(client: pg.ClientBase, table: string): Promise<void> {
  await client.query(
    `DROP TABLE IF EXISTS ${pg.escapeIdentifier(table)}, ${pg.escapeIdentifier(table + SHEETS_TABLE_SUFFIX)}`,
  );
  await client.query('DELETE FROM recall_schema_migrations WHERE applies_to = $1', [table]).catch(() => undefined);
}

/**
 * The row the original pipeline kept for each reference: the last it saw in the API's order. For the
 * seven references two recall sheets share, that is the later sheet, which is also the one ours
 * keeps (src/transform/latest-rows.ts), so the table's answers are the original's.
 */
export function originalRowPerReference(): Map<string, Record<string, string | null>> {
  return lastRowPerReference(expectedRows());
}

/** The references whose stored 25 original columns differ from the original's row. Empty when the table is right. */
export function rowsDifferingFromOriginal(rows: readonly Record<string, string | null>[]): string[] {
  const differing = findRowDifferences(rows, originalRowPerReference())
    .filter((difference) => difference.kind !== 'missing row')
    .map((difference) => difference.reference);
  return [...new Set(differing)];
}

/**
 * Kafka and PostgreSQL clients for a test file, opened before its tests and closed after them,
 * and fresh topic-and-table pairs that are deleted at the end.
 */
export interface SinkTestBed {
  readonly connections: SinkConnections;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly db: pg.Client;
  freshPipeline(): Promise<{ topic: string; table: string }>;
}

export function useSinkTestBed(prefix: string): SinkTestBed {
  const topics: string[] = [];
  const tables: string[] = [];
  const bed = {} as { -readonly [K in keyof SinkTestBed]: SinkTestBed[K] };
  beforeAll(async () => {
    bed.connections = await sinkConnections();
    bed.kafka = kafkaClient(bed.connections.kafka);
    bed.admin = bed.kafka.admin();
    await bed.admin.connect();
    bed.db = await connectedPostgres(bed.connections.postgres);
  });
  afterAll(async () => {
    for (const topic of topics) await deleteRecallTopics(bed.admin, topic);
    for (const table of tables) await dropRecallTable(bed.db, table);
    await bed.admin.disconnect();
    await bed.db.end();
  });
  bed.freshPipeline = async () => {
    const topic = uniqueName(prefix, '-');
    const table = uniqueName(prefix.replaceAll('-', '_'));
    topics.push(topic);
    tables.push(table);
    await createRecallTopics(bed.admin, topic);
    return { topic, table };
  };
  return bed;
}
