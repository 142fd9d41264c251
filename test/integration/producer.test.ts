/**
 * The producer against real Kafka and PostgreSQL, reading the real rappelconso0 records from the
 * local RappelConso API: full and incremental runs, window splitting under the offset cap, API
 * faults, malformed records and a producer killed mid-run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecordsFile } from '../../src/local-explore-api/record-store.ts';
import { startRecallApi, type RecallApi } from '../../src/local-explore-api/recall-api.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { deadLetterTopic, type Dataset } from '../../contract/pipeline-defaults.ts';
import { parseRecallMessage } from '../../src/consumer/parse-recall-message.ts';
import type { Checkpoint } from '../../src/producer/checkpoint.ts';
import type { DeadLetterMessage } from '../../src/producer/dead-letter-message.ts';
import { runProducer, type ProducerOptions } from '../../src/producer/run-producer.ts';
import type { RawRecord } from '../../src/records/dataset-source.ts';
import { connectionFor } from '../infra/connection.ts';
import { createCheckpointSchema, type CheckpointSchema } from './checkpoint-schema.ts';
import { deleteTopics, readTopic, type TopicMessage } from './read-topic.ts';
import { RAPPELCONSO0_RECORDS, RAPPELCONSO_V2_SAMPLE } from '../real-data.ts';
import { StopWaiting, until } from '../until.ts';

const RECORDS_FILE = RAPPELCONSO0_RECORDS;
const V2_SAMPLE = RAPPELCONSO_V2_SAMPLE;
const allRecords = readRecordsFile(RECORDS_FILE);
const identity = (raw: RawRecord) => `${String(raw.reference_fiche)}#${String(raw.rappelguid)}`;
const silent = { update: () => undefined, done: () => undefined };

/** What the consumer makes of a message the producer sent; it must accept every one. */
function asConsumed(message: TopicMessage) {
  const parsed = parseRecallMessage({
    key: message.key === null ? null : Buffer.from(message.key),
    value: Buffer.from(message.value),
    headers: message.headers,
  });
  if (!parsed.ok) throw new Error(`the consumer refuses a produced message: ${parsed.reason}`);
  return parsed.message;
}

describe('producer (real Kafka, PostgreSQL and the local API serving the real records)', () => {
  let brokers: string[];
  let schema: CheckpointSchema;
  let scratch: string;
  const topics: string[] = [];
  const apis: RecallApi[] = [];
  const run = `${process.pid}-${Date.now()}`;

  function newTopic(label: string): string {
    const topic = `source-${label}-${run}`;
    topics.push(topic, deadLetterTopic(topic));
    return topic;
  }

  async function serve(options: Parameters<typeof startRecallApi>[0]): Promise<RecallApi> {
    const api = await startRecallApi(options);
    apis.push(api);
    return api;
  }

  /** Copies records into a JSONL file of the scratch folder: the real data stays read-only. */
  function recordsFile(name: string, records: readonly RawRecord[]): string {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
    return file;
  }

  function produce(options: Partial<ProducerOptions> & Pick<ProducerOptions, 'pipeline' | 'apiUrl' | 'topic'>) {
    return runProducer({
      dataset: 'rappelconso0',
      kafka: { brokers },
      postgres: schema.database,
      logger: createLogger('producer-test', 'error'),
      progress: silent,
      ...options,
    });
  }

  /** The records a checkpoint says the broker acknowledged, by the API's order. */
  function coveredBy(checkpoint: Checkpoint): RawRecord[] {
    const done = new Set(checkpoint.sentAtPublication);
    return allRecords.filter((raw) => {
      const day = raw.date_de_publication as string;
      return day < checkpoint.publication || (day === checkpoint.publication && done.has(identity(raw)));
    });
  }

  beforeAll(async () => {
    brokers = (await connectionFor('kafka')).KAFKA_BROKERS!.split(',');
    schema = await createCheckpointSchema('source_test');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-source-test-'));
  });

  afterAll(async () => {
    for (const api of apis) await api.close();
    if (brokers) await deleteTopics(brokers, topics);
    await schema?.drop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('sends all 8,810 real records, acknowledged, and checkpoints the last one', async () => {
    const api = await serve({ dataFile: RECORDS_FILE });
    const topic = newTopic('full');
    const summary = await produce({ pipeline: 'full', apiUrl: api.url, topic });
    expect(summary).toMatchObject({ fetched: 8810, sent: 8810, deadLettered: 0, alreadySent: 0 });

    const messages = await readTopic(brokers, topic);
    expect(messages).toHaveLength(8810);
    expect(new Set(messages.map((message) => identity(JSON.parse(message.value) as RawRecord))).size).toBe(8810);
    const values = messages.map(asConsumed);
    expect(values.every((value) => value.dataset === 'rappelconso0')).toBe(true);

    const checkpoint = await schema.checkpoint('full');
    const lastDay = allRecords.filter((raw) => raw.date_de_publication === '2023-06-30');
    expect(checkpoint).toMatchObject({ publication: '2023-06-30', recordsSent: 8810 });
    expect(new Set(checkpoint!.sentAtPublication)).toEqual(new Set(lastDay.map(identity)));
    expect(
      Math.max(...api.requests.map((request) => (request.offset ?? 0) + (request.limit ?? 0))),
    ).toBeLessThanOrEqual(10_000);
    expect(await readTopic(brokers, deadLetterTopic(topic))).toEqual([]);
  });

  it('creates its checkpoint table on a fresh database', async () => {
    const empty = await createCheckpointSchema('fresh_db', { migrated: false });
    try {
      const api = await serve({ dataFile: RECORDS_FILE });
      const topic = newTopic('fresh-db');
      const summary = await produce({
        pipeline: 'fresh',
        apiUrl: api.url,
        topic,
        maxRecords: 10,
        postgres: empty.database,
      });
      expect(summary).toMatchObject({ sent: 10 });
      expect(await empty.checkpoint('fresh')).toMatchObject({ recordsSent: 10 });
    } finally {
      await empty.drop();
    }
  });

  it("applies the pipeline's filter and its own dead-letter topic", async () => {
    const api = await serve({ dataFile: RECORDS_FILE });
    const topic = newTopic('filtered');
    const ownDeadLetters = `${topic}.own-dlq`;
    topics.push(ownDeadLetters);
    const summary = await produce({
      pipeline: 'filtered',
      apiUrl: api.url,
      topic,
      filter: 'categorie_de_produit = "Automobiles et moyens de déplacement"',
      deadLetterTopic: ownDeadLetters,
      pageSize: 50,
    });
    const expected = allRecords.filter((raw) => raw.categorie_de_produit === 'Automobiles et moyens de déplacement');
    expect(summary).toMatchObject({ sent: expected.length, deadLettered: 0 });
    expect(expected.length).toBe(1083);
    expect(api.requests.every((request) => (request.limit ?? 0) <= 50)).toBe(true);
    expect(await readTopic(brokers, topic)).toHaveLength(1083);
  });

  it('runs incrementally: a second run sends only newer records, a third sends nothing', async () => {
    const topic = newTopic('incremental');
    const until2022 = allRecords.filter((raw) => (raw.date_de_publication as string) <= '2022-12-31');
    const older = await serve({ dataFile: recordsFile('until-2022.jsonl', until2022) });
    const first = await produce({ pipeline: 'incremental', apiUrl: older.url, topic });
    expect(first.sent).toBe(until2022.length);
    const lastDay = until2022.at(-1)!.date_de_publication;
    expect((await schema.checkpoint('incremental'))?.publication).toBe(lastDay);

    const everything = await serve({ dataFile: RECORDS_FILE });
    const second = await produce({ pipeline: 'incremental', apiUrl: everything.url, topic });
    const lastDayOfFirst = until2022.filter((raw) => raw.date_de_publication === lastDay).length;
    expect(second).toMatchObject({ sent: 8810 - until2022.length, alreadySent: lastDayOfFirst, deadLettered: 0 });

    const requestsBefore = everything.requests.length;
    const third = await produce({ pipeline: 'incremental', apiUrl: everything.url, topic });
    expect(third).toMatchObject({ sent: 0, deadLettered: 0, alreadySent: 19 });
    expect(everything.requests.length - requestsBefore).toBe(2);

    const messages = await readTopic(brokers, topic);
    expect(messages).toHaveLength(8810);
    expect(new Set(messages.map((message) => identity(JSON.parse(message.value) as RawRecord))).size).toBe(8810);
  });

  it('recall produce --since starts at that date, prints its summary line and writes its report', async () => {
    const api = await serve({ dataFile: RECORDS_FILE });
    const topic = newTopic('since');
    const fromJune = allRecords.filter((raw) => (raw.date_de_publication as string) >= '2023-06-01').length;
    const report = path.join(scratch, 'since-report.json');
    const env = {
      ...process.env,
      ...(await connectionFor('kafka')),
      ...schema.env,
      RECALL_LOG_LEVEL: 'error',
      // As the Job's pod template sets it, to its termination message.
      RECALL_REPORT_FILE: report,
    };
    const args = ['produce', '--pipeline', 'since', '--api-url', api.url, '--topic', topic, '--since', '2023-06-01'];
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', 'bin/recall.ts', ...args], {
      env,
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        `^pipeline since dataset rappelconso0 topic ${topic}: fetched ${fromJune}, sent ${fromJune}, dead-lettered 0, already sent 0, checkpoint 2023-06-30 \\(\\+19 at it\\)`,
      ),
    );
    expect(await readTopic(brokers, topic)).toHaveLength(fromJune);
    expect(JSON.parse(fs.readFileSync(report, 'utf8'))).toEqual({
      step: 'produce',
      sent: fromJune,
      deadLettered: 0,
      checkpoint: '2023-06-30 (+19 at it)',
    });
  });

  it('never asks beyond the offset cap: a lower cap splits the range into windows that cover everything', async () => {
    const api = await serve({ dataFile: RECORDS_FILE });
    const topic = newTopic('windows');
    const summary = await produce({ pipeline: 'windows', apiUrl: api.url, topic, windowCap: 1000 });
    expect(summary.sent).toBe(8810);
    expect(summary.windows).toBeGreaterThanOrEqual(9);
    const reach = api.requests.map((request) => (request.offset ?? 0) + (request.limit ?? 0));
    expect(Math.max(...reach)).toBeLessThanOrEqual(1000);
    expect(api.requests.every((request) => request.status === 200)).toBe(true);
    const messages = await readTopic(brokers, topic);
    expect(new Set(messages.map((message) => identity(JSON.parse(message.value) as RawRecord))).size).toBe(8810);
  });

  it('retries HTTP 500, 429 with Retry-After, a timeout and a truncated body, and completes', async () => {
    const api = await serve({ dataFile: RECORDS_FILE });
    const topic = newTopic('faults');
    api.faults.inject({ kind: 'status', status: 500 }, 2);
    api.faults.inject({ kind: 'status', status: 429, retryAfterSeconds: 1 });
    api.faults.inject({ kind: 'delay', ms: 2000 });
    api.faults.inject({ kind: 'truncate' });
    const summary = await produce({
      pipeline: 'faults',
      apiUrl: api.url,
      topic,
      requestTimeoutMs: 500,
      retry: { attempts: 8, baseDelayMs: 20 },
    });
    expect(summary).toMatchObject({ sent: 8810, deadLettered: 0 });
    expect(api.requests.filter((request) => request.fault).map((request) => request.fault)).toEqual([
      'status',
      'status',
      'status',
      'delay',
      'truncate',
    ]);
    expect(api.requests.filter((request) => request.status === 429)).toHaveLength(1);
    expect(await readTopic(brokers, topic)).toHaveLength(8810);
  });

  it('fails clearly on a persistent HTTP 500 and leaves the checkpoint where it was', async () => {
    const topic = newTopic('persistent');
    const until2022 = allRecords.filter((raw) => (raw.date_de_publication as string) <= '2022-12-31');
    const older = await serve({ dataFile: recordsFile('until-2022-b.jsonl', until2022) });
    await produce({ pipeline: 'persistent', apiUrl: older.url, topic });
    const before = await schema.checkpoint('persistent');

    const failing = await serve({ dataFile: RECORDS_FILE });
    failing.faults.inject({ kind: 'status', status: 500 }, 1000);
    await expect(
      produce({ pipeline: 'persistent', apiUrl: failing.url, topic, retry: { attempts: 3, baseDelayMs: 10 } }),
    ).rejects.toThrow(
      new RegExp(
        `^GET ${failing.url}/api/explore/v2\\.1/catalog/datasets/rappelconso0/records\\?\\S+ failed after 3 attempts; last: HTTP 500`,
      ),
    );
    const after = await schema.checkpoint('persistent');
    expect(after).toMatchObject({ publication: before!.publication, recordsSent: before!.recordsSent });
    expect(after!.sentAtPublication).toEqual(before!.sentAtPublication);

    failing.faults.clear();
    const resumed = await produce({ pipeline: 'persistent', apiUrl: failing.url, topic });
    expect(resumed.sent).toBe(8810 - until2022.length);
  });

  it('dead-letters malformed records with the reason and the raw payload, and goes on', async () => {
    const topic = newTopic('malformed');
    const sample = allRecords.slice(2000, 2030).map((raw) => ({ ...raw }));
    delete sample[3]!.reference_fiche;
    sample[10]!.date_de_publication = '2021-02-30';
    sample[20]!.ndeg_de_version = 'three';
    sample[25]!.reference_fiche = 42;
    const api = await serve({ dataFile: recordsFile('malformed.jsonl', sample) });

    const summary = await produce({ pipeline: 'malformed', apiUrl: api.url, topic });
    expect(summary).toMatchObject({ fetched: 30, sent: 26, deadLettered: 4 });
    expect(await readTopic(brokers, topic)).toHaveLength(26);

    const deadLetters = (await readTopic(brokers, deadLetterTopic(topic))).map((message) => ({
      key: message.key,
      header: message.headers.reason,
      value: JSON.parse(message.value) as DeadLetterMessage,
    }));
    const reasons = deadLetters.map((letter) => letter.value.reason).sort();
    expect(reasons).toHaveLength(4);
    expect(reasons).toEqual([
      'date_de_publication="2021-02-30": expected a date as YYYY-MM-DD',
      'ndeg_de_version="three": Invalid input: expected number, received string',
      'reference_fiche=42: Invalid input: expected string, received number',
      'reference_fiche=null: Invalid input: expected string, received null',
    ]);
    for (const letter of deadLetters) {
      expect(letter.value.dataset).toBe('rappelconso0');
      expect(letter.header).toBe(letter.value.reason);
      expect(sample).toContainEqual(letter.value.raw);
    }
    expect(deadLetters.find((letter) => letter.value.raw.ndeg_de_version === 'three')?.key).toBe(
      sample[20]!.reference_fiche,
    );

    const again = await produce({ pipeline: 'malformed', apiUrl: api.url, topic });
    expect(again).toMatchObject({ sent: 0, deadLettered: 0 });
  });

  it('killed with SIGKILL mid-run, never checkpoints past what the broker acknowledged; a rerun completes', async () => {
    const api = await serve({ dataFile: RECORDS_FILE, latencyMs: 40 });
    const topic = newTopic('sigkill');
    const env = { ...process.env, ...(await connectionFor('kafka')), ...schema.env, RECALL_LOG_LEVEL: 'error' };
    const args = ['produce', '--pipeline', 'sigkill', '--api-url', api.url, '--topic', topic];
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', 'bin/recall.ts', ...args], {
      env,
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await until(
      async () => {
        if (((await schema.checkpoint('sigkill'))?.recordsSent ?? 0) >= 1500) return true;
        if (child.exitCode !== null) throw new StopWaiting('the producer finished before it could be killed');
        return false;
      },
      'the producer to checkpoint 1,500 records',
      { intervalMs: 20 },
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const checkpoint = (await schema.checkpoint('sigkill'))!;
    expect(checkpoint.recordsSent).toBeLessThan(8810);
    const acknowledged = new Set(
      (await readTopic(brokers, topic)).map((message) => identity(JSON.parse(message.value) as RawRecord)),
    );
    const covered = coveredBy(checkpoint);
    expect(covered.length).toBe(checkpoint.recordsSent);
    expect(covered.filter((raw) => !acknowledged.has(identity(raw)))).toEqual([]);

    const rerun = await produce({ pipeline: 'sigkill', apiUrl: api.url, topic });
    expect(rerun.sent).toBe(8810 - checkpoint.recordsSent);
    const messages = await readTopic(brokers, topic);
    const all = new Set(messages.map((message) => identity(JSON.parse(message.value) as RawRecord)));
    expect(all.size).toBe(8810);
    expect((await schema.checkpoint('sigkill'))?.publication).toBe('2023-06-30');
  });

  it('maps and sends the 19 real v2 records, then has nothing new', async () => {
    const v2 = (JSON.parse(fs.readFileSync(V2_SAMPLE, 'utf8')) as { recalls: RawRecord[] }).recalls;
    const dataset: Dataset = 'rappelconso-v2-gtin-espaces';
    const api = await serve({ dataFile: recordsFile('v2.jsonl', v2), dataset });
    const topic = newTopic('v2');
    expect(await produce({ pipeline: 'v2', dataset, apiUrl: api.url, topic })).toMatchObject({
      sent: 19,
      deadLettered: 0,
    });
    const values = (await readTopic(brokers, topic)).map(asConsumed);
    expect(values.map((value) => value.record.reference_fiche).sort()).toEqual(
      v2.map((raw) => raw.numero_fiche).sort(),
    );
    expect(values.every((value) => value.dataset === dataset)).toBe(true);
    expect((await schema.checkpoint('v2', dataset))?.publication).toBe('2026-08-21T09:30:07+00:00');
    expect(await produce({ pipeline: 'v2', dataset, apiUrl: api.url, topic })).toMatchObject({
      sent: 0,
      alreadySent: 1,
    });
  });
});
