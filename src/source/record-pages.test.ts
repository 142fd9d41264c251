import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecallApi, type RecallApi } from '../local-explore-api/recall-api.ts';
import { RAPPELCONSO0_RECORDS } from '../../test/real-data.ts';
import type { RawRecord } from '../records/dataset-source.ts';
import { ExploreClient } from './explore-client.ts';
import { rappelconso0Source } from '../records/rappelconso0-source.ts';
import { recordPages } from './record-pages.ts';

const records = fs
  .readFileSync(RAPPELCONSO0_RECORDS, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .slice(0, 250)
  .map((line) => JSON.parse(line) as RawRecord);

describe('recordPages against the local API', () => {
  let api: RecallApi;
  beforeAll(async () => {
    api = await startRecallApi({ records, host: '127.0.0.1' });
  });
  afterAll(() => api.close());

  it('reads every record once, in pages, in the API order', async () => {
    const client = new ExploreClient({ baseUrl: api.url });
    const pages: RawRecord[][] = [];
    for await (const page of recordPages(client, rappelconso0Source, { pageSize: 100 })) pages.push(page);
    expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
    const references = pages.flat().map((record) => record.reference_fiche);
    expect(new Set(references)).toEqual(new Set(records.map((record) => record.reference_fiche)));
    expect(references).toHaveLength(250);
  });

  it('has asked for the next page before it hands over the current one, and for no page past the last', async () => {
    const client = new ExploreClient({ baseUrl: api.url });
    const requestsAtEachPage: number[] = [];
    for await (const page of recordPages(client, rappelconso0Source, { pageSize: 100 })) {
      expect(page.length).toBeGreaterThan(0);
      requestsAtEachPage.push(client.requestCount);
    }
    // One count for the window, then: page 1 and 2 asked for when page 1 arrives; page 3 with page 2.
    expect(requestsAtEachPage).toEqual([3, 4, 4]);
  });
});
