import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecallApi, type RecallApi } from '../local-explore-api/recall-api.ts';
import type { RawRecord } from '../records/dataset-source.ts';
import { ExploreClient, ExploreRequestError, type RetryNotice } from './explore-client.ts';
import { RAPPELCONSO0_RECORDS } from '../../test/real-data.ts';

/** The first 250 real records: enough for pages, small enough for a unit test. */
const records = fs
  .readFileSync(RAPPELCONSO0_RECORDS, 'utf8')
  .split('\n')
  .slice(0, 250)
  .map((line) => JSON.parse(line) as RawRecord);

describe('ExploreClient against the local API and its faults', () => {
  let api: RecallApi;
  let waits: number[];
  let notices: RetryNotice[];
  const client = (timeoutMs = 2000) =>
    new ExploreClient({
      baseUrl: api.url,
      timeoutMs,
      retry: { attempts: 4, baseDelayMs: 100 },
      random: () => 0,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      onRetry: (notice) => notices.push(notice),
    });
  const query = { limit: 100, offset: 0, orderBy: 'date_de_publication ASC, reference_fiche ASC' };

  beforeAll(async () => {
    api = await startRecallApi({ records });
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.faults.clear();
    waits = [];
    notices = [];
  });

  it('reads a page and the total count', async () => {
    const page = await client().records('rappelconso0', query);
    expect(page.totalCount).toBe(250);
    expect(page.results).toEqual(records.slice(0, 100));
  });

  it('retries 500 and 503 with exponential backoff, then succeeds', async () => {
    api.faults.inject({ kind: 'status', status: 500 }, 2);
    api.faults.inject({ kind: 'status', status: 503 });
    const page = await client().records('rappelconso0', query);
    expect(page.results).toHaveLength(100);
    expect(waits).toEqual([50, 100, 200]);
    expect(notices.map((notice) => notice.problem)).toEqual([
      'HTTP 500 InjectedFault: Injected fault: HTTP 500',
      'HTTP 500 InjectedFault: Injected fault: HTTP 500',
      'HTTP 503 InjectedFault: Injected fault: HTTP 503',
    ]);
  });

  it('waits what Retry-After asks on 429', async () => {
    api.faults.inject({ kind: 'status', status: 429, retryAfterSeconds: 3 });
    await client().records('rappelconso0', query);
    expect(waits).toEqual([3000]);
  });

  it('times out a stalled request and retries it', async () => {
    api.faults.inject({ kind: 'delay', ms: 1500 });
    const page = await client(300).records('rappelconso0', query);
    expect(page.results).toHaveLength(100);
    expect(notices[0]?.problem).toBe('no complete answer within 300 ms');
  });

  it('retries a body cut short', async () => {
    api.faults.inject({ kind: 'truncate' });
    const page = await client().records('rappelconso0', query);
    expect(page.results).toHaveLength(100);
    expect(notices[0]?.problem).toMatch(/^HTTP 200 with a body that is not complete JSON/);
  });

  it('gives up after the last attempt, naming the URL and the last status', async () => {
    api.faults.inject({ kind: 'status', status: 500 }, 10);
    const failure = client()
      .records('rappelconso0', query)
      .catch((error: unknown) => error);
    const error = (await failure) as ExploreRequestError;
    expect(error).toBeInstanceOf(ExploreRequestError);
    expect(error.status).toBe(500);
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/api\/explore\/v2\.1\/catalog\/datasets\/rappelconso0\/records\?limit=100&offset=0&order_by=\S+ failed after 4 attempts; last: HTTP 500/,
    );
  });

  it('does not retry what cannot change: the API error is quoted at once', async () => {
    await expect(client().records('rappelconso0', { ...query, offset: 9950 })).rejects.toThrow(
      'HTTP 400 InvalidRESTParameterError: Invalid value for sum of offset + limit API parameter: 10050 was found but 0 <= offset + limit <= 10000 is expected.',
    );
    expect(waits).toEqual([]);
  });

  it('says which URL could not be reached', async () => {
    const unreachable = new ExploreClient({
      baseUrl: 'http://127.0.0.1:1',
      retry: { attempts: 2 },
      sleep: () => Promise.resolve(),
    });
    await expect(unreachable.records('rappelconso0', query)).rejects.toThrow(
      /GET http:\/\/127\.0\.0\.1:1\/\S+ failed after 2 attempts; last: network error: connect ECONNREFUSED 127\.0\.0\.1:1/,
    );
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new ExploreClient({ baseUrl: 'ftp://example.org' })).toThrow(
      'api url="ftp://example.org": expected an http(s) URL',
    );
  });
});

describe('ExploreClient and compressed answers', () => {
  const page = JSON.stringify({ total_count: 250, results: records.slice(0, 100) });
  const encoders = { gzip: zlib.gzipSync, deflate: zlib.deflateSync } as const;
  let server: http.Server;
  let baseUrl: string;
  let asked: string[];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const accepted = String(request.headers['accept-encoding']);
      asked.push(accepted);
      const encoding = new URL(request.url ?? '/', 'http://local').searchParams.get('where') as keyof typeof encoders;
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
      response.end(encoders[encoding](page));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());
  beforeEach(() => {
    asked = [];
  });

  it.each(['gzip', 'deflate'])('asks for compression and reads a %s body', async (encoding) => {
    const read = await new ExploreClient({ baseUrl }).records('rappelconso0', {
      where: encoding,
      limit: 100,
      offset: 0,
    });
    expect(asked).toEqual(['gzip, deflate']);
    expect(read.totalCount).toBe(250);
    expect(read.results).toEqual(records.slice(0, 100));
  });
});
