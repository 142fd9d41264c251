import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRecord } from '../records/dataset-source.ts';
import { startRecallApi, type RecallApi } from './recall-api.ts';
import { RAPPELCONSO0_RECORDS, RAPPELCONSO_V2_SAMPLE } from '../../test/real-data.ts';

const realRecords = fs
  .readFileSync(RAPPELCONSO0_RECORDS, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as RawRecord);
const v2Records = (JSON.parse(fs.readFileSync(RAPPELCONSO_V2_SAMPLE, 'utf8')) as { recalls: RawRecord[] }).recalls;

async function get(api: RecallApi, query: string, dataset: string = api.dataset) {
  const response = await fetch(`${api.url}/api/explore/v2.1/catalog/datasets/${dataset}/records?${query}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('local RappelConso API (rappelconso0, all 8,810 real records)', () => {
  let api: RecallApi;
  beforeAll(async () => {
    // Served shuffled: the API, not the file, puts them in order.
    api = await startRecallApi({ records: [...realRecords].reverse() });
  });
  afterAll(() => api.close());

  it('pages in publication then reference order, with the total count', async () => {
    const first = await get(api, 'limit=100&offset=0&order_by=date_de_publication%20ASC,%20reference_fiche%20ASC');
    expect(first.body.total_count).toBe(8810);
    const results = first.body.results as RawRecord[];
    expect(results.map((record) => record.reference_fiche)).toEqual(
      realRecords.slice(0, 100).map((record) => record.reference_fiche),
    );
  });

  it('filters on the publication date with >, >=, <, <= and and', async () => {
    const count = async (where: string) =>
      (await get(api, `limit=0&where=${encodeURIComponent(where)}`)).body.total_count;
    const expected = (predicate: (day: string) => boolean) =>
      realRecords.filter((record) => predicate(record.date_de_publication as string)).length;
    expect(await count("date_de_publication > '2023-01-01'")).toBe(expected((day) => day > '2023-01-01'));
    expect(await count("date_de_publication >= '2023-06-30'")).toBe(19);
    expect(await count("date_de_publication < '2018-02-01'")).toBe(expected((day) => day < '2018-02-01'));
    expect(await count("date_de_publication >= '2021-07-29' and date_de_publication <= '2021-07-29'")).toBe(261);
  });

  it("answers the original pipeline's first request with every record, in order", async () => {
    // Its URL, as the original formats it: limit, a quoted datetime with a space, ASC, offset.
    const first = await get(
      api,
      "limit=100&where=date_de_publication%20%3E%20'0001-01-01 00:00:00'&order_by=date_de_publication%20ASC&offset=0",
    );
    expect(first.status).toBe(200);
    expect(first.body.total_count).toBe(8810);
    expect((first.body.results as RawRecord[]).map((record) => record.reference_fiche)).toEqual(
      realRecords.slice(0, 100).map((record) => record.reference_fiche),
    );
  });

  it('compares a datetime literal with the date field by instant, at the day boundary', async () => {
    const count = async (where: string) =>
      (await get(api, `limit=0&where=${encodeURIComponent(where)}`)).body.total_count;
    // 19 records on 2023-06-30 (the last day), 6 on 2023-06-29; a day is its midnight UTC.
    expect(await count("date_de_publication >= '2023-06-30 00:00:00'")).toBe(19);
    expect(await count("date_de_publication > '2023-06-30 00:00:00'")).toBe(0);
    expect(await count("date_de_publication > '2023-06-29 23:59:59'")).toBe(19);
    expect(await count("date_de_publication = '2023-06-30 00:00:00'")).toBe(19);
    expect(await count("date_de_publication = '2023-06-30 12:00:00'")).toBe(0);
    expect(await count("date_de_publication < '2023-06-30 00:00:00'")).toBe(8810 - 19);
    expect(await count("date_de_publication <= '2023-06-30 00:00:00'")).toBe(8810);
    expect(await count("date_de_publication < '2023-06-30 00:00:01'")).toBe(8810);
    expect(
      await count("date_de_publication > '2023-06-29 00:00:00' and date_de_publication < '2023-06-30 00:00:00'"),
    ).toBe(0);
    expect(
      await count("date_de_publication >= '2023-06-29 00:00:00' and date_de_publication < '2023-06-29 23:59:59'"),
    ).toBe(6);
  });

  it('accepts every documented date literal form on the date field', async () => {
    const count = async (where: string) =>
      (await get(api, `limit=0&where=${encodeURIComponent(where)}`)).body.total_count;
    const lastDay = [
      "date'2023-06-30'",
      "DATE'2023-06-30'",
      "date'2023/06/30'",
      "'2023/06/30'",
      "date'2023-06-30T00:00'",
      "'2023-06-30T00:00:00Z'",
      "'2023-06-30T00:00:00.000'",
      "'2023-06-30T02:00:00+02:00'",
      "'2023-06-29T22:00:00-02:00'",
      '"2023-06-30 00:00:00"',
    ];
    for (const literal of lastDay) {
      expect(await count(`date_de_publication = ${literal}`), literal).toBe(19);
    }
    expect(await count("date_de_publication >= date'2023-06'")).toBe(294);
    expect(await count("date_de_publication >= date'2023'")).toBe(1399);
    expect(await count("date_de_publication > '2023-06-29T23:59:59.999'")).toBe(19);
    // Past midnight by a tenth of a microsecond: after the last day's records, not equal to them.
    expect(await count("date_de_publication = '2023-06-30T00:00:00.0000001'")).toBe(0);
    expect(await count("date_de_publication >= '2023-06-30T00:00:00.0000001'")).toBe(0);
    expect(await count("date_de_publication < '2023-06-30T00:00:00.0000001'")).toBe(8810);
  });

  it('refuses a literal that is not a date for the date field, naming the field and the value', async () => {
    for (const literal of ['yesterday', '2023-02-30', '2023-06-30 24:00:00', '30/06/2023', '2023-06-30T12:00+25:00']) {
      const answer = await get(api, `where=${encodeURIComponent(`date_de_publication > '${literal}'`)}`);
      expect(answer, literal).toMatchObject({ status: 400, body: { error_code: 'ODSQLError' } });
      expect(answer.body.message).toContain(`Invalid date literal for date_de_publication: '${literal}' (expected `);
    }
  });

  it('refuses a limit above 100 and offset + limit above 10,000 as the real API does', async () => {
    expect(await get(api, 'limit=101')).toEqual({
      status: 400,
      body: {
        error_code: 'InvalidRESTParameterError',
        message: 'Invalid value for limit API parameter: 101 was found but -1 <= limit <= 100 is expected.',
      },
    });
    expect(await get(api, 'limit=100&offset=9900')).toMatchObject({ status: 200 });
    expect(await get(api, 'limit=100&offset=9901')).toEqual({
      status: 400,
      body: {
        error_code: 'InvalidRESTParameterError',
        message:
          'Invalid value for sum of offset + limit API parameter: 10001 was found but 0 <= offset + limit <= 10000 is expected.',
      },
    });
  });

  it('filters other fields by equality, as a pipeline filter does', async () => {
    const one = await get(api, `where=${encodeURIComponent("(reference_fiche = 'A12/0042/18')")}`);
    expect(one).toMatchObject({ status: 200, body: { total_count: 1 } });
  });

  it('refuses what it does not support, with a clear 400', async () => {
    const other = await get(api, `where=${encodeURIComponent("reference_fiche > 'A12/0042/18'")}`);
    expect(other).toMatchObject({ status: 400, body: { error_code: 'ODSQLError' } });
    expect(other.body.message).toContain('Unsupported comparison in where: reference_fiche >');
    expect((await get(api, `where=${encodeURIComponent("date_de_publication > 'yesterday'")}`)).body.message).toContain(
      "Invalid date literal for date_de_publication: 'yesterday'",
    );
    expect((await get(api, 'order_by=date_de_publication%20DESC')).status).toBe(400);
  });

  it('answers 404 for another dataset', async () => {
    expect(await get(api, 'limit=1', 'rappelconso-v2-gtin-espaces')).toEqual({
      status: 404,
      body: {
        error_code: 'NotFound',
        message: 'Unknown dataset: rappelconso-v2-gtin-espaces (this API serves rappelconso0)',
      },
    });
  });

  it('serves injected faults for the next N requests only, and logs every request', async () => {
    api.faults.inject({ kind: 'status', status: 429, retryAfterSeconds: 2 }, 2);
    const throttled = await fetch(`${api.url}/api/explore/v2.1/catalog/datasets/rappelconso0/records?limit=1`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect((await get(api, 'limit=1')).status).toBe(429);
    expect((await get(api, 'limit=1')).status).toBe(200);
    api.faults.inject({ kind: 'truncate' });
    const cut = await fetch(`${api.url}/api/explore/v2.1/catalog/datasets/rappelconso0/records?limit=5`);
    expect(cut.status).toBe(200);
    await expect(cut.json()).rejects.toThrow();
    expect(api.requests.at(-1)).toMatchObject({ status: 200, limit: 5, offset: 0, fault: 'truncate' });
  });
});

describe('local RappelConso API (rappelconso-v2-gtin-espaces, the 19 real records)', () => {
  it('filters and sorts on date_publication instants', async () => {
    const api = await startRecallApi({ records: v2Records, dataset: 'rappelconso-v2-gtin-espaces' });
    try {
      const all = await get(api, 'limit=100&order_by=date_publication,numero_fiche');
      const published = (all.body.results as RawRecord[]).map((record) => record.date_publication as string);
      expect(published).toEqual([...published].sort((a, b) => Date.parse(a) - Date.parse(b)));
      const later = await get(api, `limit=0&where=${encodeURIComponent("date_publication >= '2026-08-21'")}`);
      expect(later.body.total_count).toBe(4);
      const afternoon = await get(
        api,
        `limit=0&where=${encodeURIComponent("date_publication > '2026-08-20T10:15:00Z' and date_publication < '2026-08-21T00:00:00+02:00'")}`,
      );
      expect(afternoon.body.total_count).toBe(5);
      const count = async (where: string) =>
        (await get(api, `limit=0&where=${encodeURIComponent(where)}`)).body.total_count;
      // Without an offset a literal is UTC, as the API's default timezone: the same 5 as above.
      expect(await count("date_publication > '2026-08-20 10:15:00' and date_publication < '2026-08-20 22:00:00'")).toBe(
        5,
      );
      expect(
        await count("date_publication > date'2026-08-20T10:15' and date_publication < date'2026-08-20T22:00'"),
      ).toBe(5);
      expect(await count("date_publication >= '2026/08/21'")).toBe(4);
      // The first record, 2026-08-20T09:55:27+00:00, is equal to its instant however it is written.
      expect(await count("date_publication = '2026-08-20 09:55:27'")).toBe(1);
      expect(await count("date_publication = '2026-08-20T11:55:27+02:00'")).toBe(1);
      expect(await count("date_publication > '2026-08-20T09:55:27'")).toBe(18);
      expect(await count("date_publication >= '2026-08-20T09:55:27.000'")).toBe(19);
      expect(await count("date_publication > '2026-08-20T09:55:26.999999'")).toBe(19);
      expect(await count("date_publication > '0001-01-01 00:00:00'")).toBe(19);
    } finally {
      await api.close();
    }
  });
});
