/**
 * A local RappelConso API: serves a file of real records with the Explore v2.1 semantics the
 * producer relies on (limit ≤ 100, offset + limit ≤ 10,000, `where` on the publication date,
 * `order_by` publication then reference, `total_count`), answers errors with the API's JSON error
 * shape, and serves injected faults for tests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_DATASET, type Dataset } from '../../contract/pipeline-defaults.ts';
import type { RawRecord } from '../records/dataset-source.ts';
import { datasetSource } from '../records/dataset-sources.ts';
import { EXPLORE_PATH, MAX_OFFSET_PLUS_LIMIT, MAX_PAGE_SIZE } from '../source/explore-limits.ts';
import { ApiError, invalidParameter, odsqlError } from './api-error.ts';
import { FaultInjector, type Fault } from './fault-injector.ts';
import { readRecordsFile, RecordStore } from './record-store.ts';
import { parseWhere, WhereSyntaxError, type Comparison } from './where-clause.ts';

const DEFAULT_LIMIT = 10;

export interface RecallApiOptions {
  /** A JSONL file of records in the API's shape; or `records` directly. */
  dataFile?: string;
  records?: readonly RawRecord[];
  dataset?: Dataset;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Added to every answer, to make a run last long enough to interrupt. */
  latencyMs?: number;
}

export interface ServedRequest {
  url: string;
  status: number;
  limit?: number;
  offset?: number;
  where?: string;
  fault?: Fault['kind'];
}

export interface RecallApi {
  /** Base URL, like DEFAULT_API_URL: up to and excluding `/api/explore/v2.1`. */
  readonly url: string;
  readonly dataset: Dataset;
  readonly recordCount: number;
  readonly faults: FaultInjector;
  /** Every request answered so far, in order. */
  readonly requests: readonly ServedRequest[];
  close(): Promise<void>;
}

function integerParameter(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = params.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(
      `Invalid value for ${name} API parameter: ${text} was found but ${min} <= ${name} <= ${max} is expected.`,
    );
  }
  return value;
}

/** Accepts the publication field, optionally followed by the reference, ascending. */
function checkOrderBy(orderBy: string | null, publicationField: string, referenceField: string): void {
  if (orderBy === null) return;
  const terms = orderBy.split(',').map((term) => term.trim().split(/\s+/));
  const expected = [publicationField, referenceField];
  const supported = terms.every(
    ([field, direction, ...rest], index) =>
      field === expected[index] && (direction === undefined || direction.toLowerCase() === 'asc') && rest.length === 0,
  );
  if (!supported || terms.length > expected.length) {
    throw odsqlError(
      `Unsupported order_by: ${orderBy} (this API sorts by ${publicationField} ASC, optionally then ${referenceField} ASC)`,
    );
  }
}

function parseWhereParameter(where: string | null): Comparison[] {
  if (where === null || where.trim() === '') return [];
  try {
    return parseWhere(where.trim());
  } catch (error) {
    if (error instanceof WhereSyntaxError) throw odsqlError(error.message);
    throw error;
  }
}

export async function startRecallApi(options: RecallApiOptions): Promise<RecallApi> {
  const dataset = options.dataset ?? DEFAULT_DATASET;
  const source = datasetSource(dataset);
  const records = options.records ?? (options.dataFile ? readRecordsFile(options.dataFile) : undefined);
  if (!records) throw new Error('startRecallApi: give dataFile or records');
  const store = new RecordStore(source, records);
  const faults = new FaultInjector();
  const requests: ServedRequest[] = [];
  const recordsPath = `${EXPLORE_PATH}/catalog/datasets/${dataset}/records`;
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function answer(served: ServedRequest): { status: number; body: string } {
    const url = new URL(served.url, 'http://localhost');
    if (!url.pathname.startsWith(`${EXPLORE_PATH}/catalog/datasets/`)) {
      throw new ApiError(404, 'NotFound', `Unknown path: ${url.pathname}`);
    }
    if (url.pathname !== recordsPath) {
      const requested = url.pathname.split('/')[6] ?? '';
      throw new ApiError(404, 'NotFound', `Unknown dataset: ${requested} (this API serves ${dataset})`);
    }
    const params = url.searchParams;
    const limit = integerParameter(params, 'limit', DEFAULT_LIMIT, -1, MAX_PAGE_SIZE);
    const offset = integerParameter(params, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const pageSize = limit === -1 ? DEFAULT_LIMIT : limit;
    Object.assign(served, { limit: pageSize, offset, where: params.get('where') ?? undefined });
    if (offset + pageSize > MAX_OFFSET_PLUS_LIMIT) {
      throw invalidParameter(
        `Invalid value for sum of offset + limit API parameter: ${offset + pageSize} was found but 0 <= offset + limit <= ${MAX_OFFSET_PLUS_LIMIT} is expected.`,
      );
    }
    checkOrderBy(params.get('order_by'), source.publicationField, source.referenceField);
    const page = store.query(parseWhereParameter(params.get('where')), offset, pageSize);
    return { status: 200, body: `{"total_count":${page.totalCount},"results":[${page.results.join(',')}]}` };
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const served: ServedRequest = { url: request.url ?? '/', status: 0 };
    requests.push(served);
    if (options.latencyMs) await later(options.latencyMs);
    const fault = faults.take();
    if (fault) served.fault = fault.kind;
    if (fault?.kind === 'delay') await later(fault.ms);

    let status: number;
    let body: string;
    if (request.method !== 'GET') {
      [status, body] = [405, new ApiError(405, 'MethodNotAllowed', 'Only GET is supported').body()];
    } else if (fault?.kind === 'status') {
      status = fault.status;
      body = new ApiError(status, 'InjectedFault', `Injected fault: HTTP ${status}`).body();
      if (fault.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(fault.retryAfterSeconds));
    } else {
      try {
        ({ status, body } = answer(served));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        [status, body] = [error.status, error.body()];
      }
    }
    served.status = status;
    if (response.destroyed) return;
    response.statusCode = status;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    if (fault?.kind === 'truncate') {
      // No Content-Length: the body simply ends early, as when a proxy cuts a response.
      response.end(body.slice(0, Math.floor(body.length / 2)));
      return;
    }
    response.setHeader('Content-Length', Buffer.byteLength(body));
    response.end(body);
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.statusCode = 500;
      response.end(new ApiError(500, 'InternalError', String(error)).body());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    dataset,
    recordCount: store.size,
    faults,
    requests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
