/**
 * The sink against real Kafka and PostgreSQL: the 8,810 real records loaded through the consumer,
 * compared with the original pipeline's rows; replays, newer revisions, malformed messages.
 */
import type { KafkaMessage } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS } from '../../src/consumer/dead-letter.ts';
import { runConsumer } from '../../src/consumer/run-consumer.ts';
import { deadLetterTopic } from '../../contract/pipeline-defaults.ts';
import type { RecallRevision } from '../../src/records/recall-revision.ts';
import { ORIGINAL_COLUMNS } from '../../src/transform/recall-row.ts';
import {
  originalRowPerReference,
  rowsDifferingFromOriginal,
  kafkaMessage,
  publish,
  realRecords,
  recallRevision,
  uniqueName,
  useSinkTestBed,
} from './recall-topic-fixture.ts';

const bed = useSinkTestBed('sink-test');

function consume(topic: string, table: string, pipeline = uniqueName('sink-test', '-')) {
  return runConsumer({ pipeline, topic, table, untilCaughtUp: true, ...bed.connections });
}

/** Every column of every row, in one digest: equal digests mean nothing changed, updated_at included. */
async function tableDigest(table: string): Promise<string> {
  const { rows } = await bed.db.query<{ digest: string }>(
    `SELECT md5(string_agg(stored::text, '|' ORDER BY reference_fiche)) AS digest FROM ${table} stored`,
  );
  return rows[0]!.digest;
}

describe('a full load of the 8,810 real records', () => {
  const records = realRecords();
  let topic: string;
  let table: string;

  beforeAll(async () => {
    ({ topic, table } = await bed.freshPipeline());
    await publish(
      bed.kafka,
      topic,
      records.map((raw) => kafkaMessage(recallRevision(raw))),
    );
  });

  it('stores one row per reference_fiche, each equal to the original pipeline’s row', async () => {
    const summary = await consume(topic, table);
    expect(summary).toEqual({
      consumed: 8810,
      inserted: 8803,
      updated: 0,
      unchanged: 7,
      deadLettered: 0,
      tableRows: 8803,
      sheetRows: 8810,
      caughtUp: true,
    });

    const { rows } = await bed.db.query<Record<string, string | null>>(
      `SELECT ${ORIGINAL_COLUMNS.join(', ')} FROM ${table}`,
    );
    expect(rows).toHaveLength(8803);
    expect(rowsDifferingFromOriginal(rows)).toEqual([]);

    // Every real recall sheet is kept, the second sheet of a shared reference too.
    const { rows: sheets } = await bed.db.query<{ record_id: string; reference_fiche: string; sheet_number: number }>(
      `SELECT record_id, reference_fiche, sheet_number FROM ${table}_sheets`,
    );
    expect(new Set(sheets.map((sheet) => sheet.record_id))).toEqual(new Set(records.map((raw) => raw.rappelguid)));
    expect(
      sheets
        .filter((sheet) => sheet.reference_fiche === 'A12/00030/22')
        .map((sheet) => sheet.sheet_number)
        .sort(),
    ).toEqual([10728, 10992]);
  });

  it('changes nothing when a new consumer group replays the whole topic', async () => {
    const before = await tableDigest(table);
    const summary = await consume(topic, table);
    expect(summary).toEqual({
      consumed: 8810,
      inserted: 0,
      updated: 0,
      unchanged: 8810,
      deadLettered: 0,
      tableRows: 8803,
      sheetRows: 8810,
      caughtUp: true,
    });
    expect(await tableDigest(table)).toBe(before);
  });

  it('gives the original project’s queries the same answers as the original’s rows', async () => {
    const keptPerReference = [...originalRowPerReference().values()];
    const listeria = keptPerReference.filter((row) => row.motif_du_rappel?.includes('Listeria'));
    const cases: [string, Record<string, string | null>[], (row: Record<string, string | null>) => string | null][] = [
      [
        `SELECT categorie_de_produit AS value, count(*) FROM ${table} GROUP BY 1`,
        keptPerReference,
        (row) => row.categorie_de_produit!,
      ],
      [
        `SELECT sous_categorie_de_produit AS value, count(*) FROM ${table} GROUP BY 1`,
        keptPerReference,
        (row) => row.sous_categorie_de_produit!,
      ],
      [
        `SELECT substr(date_de_publication, 1, 4) AS value, count(*) FROM ${table} GROUP BY 1`,
        keptPerReference,
        (row) => row.date_de_publication!.slice(0, 4),
      ],
      [
        `SELECT (date_fin_commercialisation IS NOT NULL)::text AS value, count(*) FROM ${table} GROUP BY 1`,
        keptPerReference,
        (row) => String(row.date_fin_commercialisation !== null),
      ],
      [
        `SELECT nom_de_la_marque_du_produit AS value, count(*) FROM ${table} WHERE motif_du_rappel LIKE '%Listeria%' GROUP BY 1`,
        listeria,
        (row) => row.nom_de_la_marque_du_produit!,
      ],
    ];
    for (const [sql, rows, key] of cases) {
      const counts = new Map<string | null, number>();
      for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
      const { rows: answer } = await bed.db.query<{ value: string | null; count: string }>(sql);
      expect(new Map(answer.map((row) => [row.value, Number(row.count)])), sql).toEqual(counts);
    }
  });
});

describe('revisions of a recall', () => {
  it('replaces a row with a newer version, and ignores the older one when it comes again', async () => {
    const { topic, table } = await bed.freshPipeline();
    const pipeline = uniqueName('sink-test', '-');
    const original = realRecords().find((raw) => raw.ndeg_de_version === 1)!;
    const revised = {
      ...original,
      ndeg_de_version: 2,
      motif_du_rappel: `${String(original.motif_du_rappel)} (révisé)`,
    };

    await publish(bed.kafka, topic, [kafkaMessage(recallRevision(original))]);
    expect(await consume(topic, table, pipeline)).toMatchObject({ inserted: 1, updated: 0 });
    const first = await bed.db.query<Record<string, unknown>>(`SELECT * FROM ${table}`);

    await publish(bed.kafka, topic, [kafkaMessage(recallRevision(revised, '2024-05-02T08:00:00.000Z'))]);
    expect(await consume(topic, table, pipeline)).toEqual({
      consumed: 1,
      inserted: 0,
      updated: 1,
      unchanged: 0,
      deadLettered: 0,
      tableRows: 1,
      sheetRows: 1,
      caughtUp: true,
    });
    const second = await bed.db.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    expect(second.rows).toHaveLength(1);
    expect(second.rows[0]).toMatchObject({
      reference_fiche: original.reference_fiche,
      version: 2,
      motif_du_rappel: `${String(original.motif_du_rappel).normalize('NFD').replace(/\p{M}/gu, '')} (revise)`,
      raw: revised,
      ingested_at: first.rows[0]!.ingested_at,
    });
    expect(second.rows[0]!.updated_at).not.toEqual(first.rows[0]!.updated_at);

    const digest = await tableDigest(table);
    await publish(bed.kafka, topic, [kafkaMessage(recallRevision(original, '2024-05-03T08:00:00.000Z'))]);
    expect(await consume(topic, table, pipeline)).toEqual({
      consumed: 1,
      inserted: 0,
      updated: 0,
      unchanged: 1,
      deadLettered: 0,
      tableRows: 1,
      sheetRows: 1,
      caughtUp: true,
    });
    expect(await tableDigest(table)).toBe(digest);
  });
});

describe('malformed messages', () => {
  it('go to the dead-letter topic with the reason and the original bytes, and the rest is stored', async () => {
    const { topic, table } = await bed.freshPipeline();
    const raws = realRecords().slice(100, 103);
    const [a, b, c] = raws.map((raw) => recallRevision(raw));
    const withValue = (revision: RecallRevision, raw: Record<string, unknown>) => ({
      ...kafkaMessage(revision),
      value: JSON.stringify(raw),
    });
    const malformed = [
      { message: { ...kafkaMessage(a!), value: 'not json {' }, reason: 'the value is not JSON' },
      { message: { key: 'x', value: '{}' }, reason: 'header recall-dataset=missing' },
      {
        message: withValue(a!, { ...raws[0], date_de_publication: '2021-02-30' }),
        reason: 'date_de_publication="2021-02-30": expected a date as YYYY-MM-DD',
      },
      {
        message: { ...kafkaMessage(b!), key: 'another-key' },
        reason: `key="another-key": expected the record's reference_fiche "${b!.record.reference_fiche}"`,
      },
      { message: { key: c!.record.reference_fiche, value: null }, reason: 'the message has no value' },
      {
        message: withValue(c!, { ...raws[2], note: 'nul \u0000' }),
        reason: 'NUL character',
      },
    ];
    await publish(bed.kafka, topic, [...malformed.map((entry) => entry.message), ...[a!, b!, c!].map(kafkaMessage)]);

    expect(await consume(topic, table)).toEqual({
      consumed: 9,
      inserted: 3,
      updated: 0,
      unchanged: 0,
      deadLettered: 6,
      tableRows: 3,
      sheetRows: 3,
      caughtUp: true,
    });
    expect((await bed.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]).toEqual({ n: 3 });

    const dead = await readAll(deadLetterTopic(topic), 6);
    for (const { message, reason } of malformed) {
      const match = dead.find(
        (entry) =>
          String(entry.headers?.[DEAD_LETTER_HEADERS.reason]).includes(reason) &&
          String(entry.value) === String(message.value),
      );
      expect(match, reason).toBeDefined();
      expect(match!.key?.toString()).toBe(message.key);
      expect(match!.value === null).toBe(message.value === null);
      expect(String(match!.headers?.[DEAD_LETTER_HEADERS.topic])).toBe(topic);
    }
  });
});

async function readAll(topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = bed.kafka.consumer({ groupId: uniqueName('sink-test-reader', '-') });
  const received: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          received.push(message);
          if (received.length >= count) resolve();
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}
