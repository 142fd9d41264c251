import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRecord } from '../source/dataset-source.ts';
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
    } finally {
      await api.close();
    }
  });
});
