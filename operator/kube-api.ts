/**
 * The operator's Kubernetes client: plain JSON in, plain JSON out. client-node's typed models
 * re-serialize known kinds and silently drop keys they spell differently, so every object goes on
 * the wire exactly as the charts built it. Server-side apply is forced under one field manager;
 * every request is reported (by verb) so the metrics can show a steady pipeline costs no write.
 */
import http from 'node:http';
import https from 'node:https';
import type { ClusterAccess } from './cluster-access.ts';
import { objectPath, ownedKind, type OwnedKind } from './owned-kinds.ts';

export const FIELD_MANAGER = 'recall-pipeline-operator';

export type ReadVerb = 'get' | 'list';
export const WRITE_VERBS = ['apply', 'create', 'update', 'patch', 'delete', 'status', 'event'] as const;
export type WriteVerb = (typeof WRITE_VERBS)[number];

export interface JsonObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }>;
    deletionTimestamp?: string;
    creationTimestamp?: string;
  };
  [field: string]: unknown;
}

export interface JsonList<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

/** A failed call, with the apiserver's Status code, reason and message. */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  readonly code: number;
  readonly reason: string;

  constructor(method: string, path: string, code: number, reason: string, message: string) {
    super(`${method} ${path}: ${code} ${reason}: ${message}`);
    this.code = code;
    this.reason = reason;
  }
}

export function isApiError(error: unknown, code: number): boolean {
  return error instanceof KubeApiError && error.code === code;
}

interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | undefined>;
}

export class KubeApi {
  readonly #access: ClusterAccess;
  readonly #onRequest: (verb: ReadVerb | WriteVerb) => void;
  readonly #agent: http.Agent;

  constructor(access: ClusterAccess, onRequest: (verb: ReadVerb | WriteVerb) => void = () => {}) {
    this.#access = access;
    this.#onRequest = onRequest;
    this.#agent = connectionPool(access, { maxSockets: 16 });
  }

  async list<T>(path: string, labelSelector?: string): Promise<JsonList<T>> {
    return this.#request<JsonList<T>>('list', 'GET', path, { query: { labelSelector } });
  }

  async get<T>(path: string): Promise<T> {
    return this.#request<T>('get', 'GET', path);
  }

  /** Server-side apply, forced: the operator owns every field it sets. Returns the live object. */
  async apply(object: JsonObject): Promise<JsonObject> {
    return this.#request('apply', 'PATCH', this.#pathOf(object), {
      body: object,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: FIELD_MANAGER, force: 'true', fieldValidation: 'Strict' },
    });
  }

  /** Server-side apply of the status subresource of `object`. */
  async applyStatus(path: string, object: JsonObject): Promise<JsonObject> {
    return this.#request('status', 'PATCH', `${path}/status`, {
      body: object,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: FIELD_MANAGER, force: 'true' },
    });
  }

  async create(object: JsonObject): Promise<JsonObject> {
    return this.createIn(this.#pathOf(object).replace(/\/[^/]+$/, ''), object);
  }

  /** Creates an object of a kind the operator does not own (its Lease) in a collection path. */
  async createIn<T>(collectionPath: string, object: T): Promise<T> {
    return this.#request('create', 'POST', collectionPath, { body: object, query: { fieldManager: FIELD_MANAGER } });
  }

  /** Replaces an object whole; its resourceVersion makes it fail with 409 if it changed since read. */
  async replace<T>(path: string, object: T): Promise<T> {
    return this.#request('update', 'PUT', path, { body: object, query: { fieldManager: FIELD_MANAGER } });
  }

  async mergePatch(object: JsonObject, patch: unknown): Promise<JsonObject> {
    return this.#request('patch', 'PATCH', this.#pathOf(object), {
      body: patch,
      contentType: 'application/merge-patch+json',
      query: { fieldManager: FIELD_MANAGER },
    });
  }

  /** Deletes in the background: the garbage collector removes the object's own dependents (a Job's pods). */
  async delete(object: JsonObject): Promise<void> {
    await this.#request('delete', 'DELETE', this.#pathOf(object), {
      body: {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy: 'Background',
        preconditions: { uid: object.metadata?.uid },
      },
    });
  }

  async createEvent(namespace: string, event: JsonObject): Promise<void> {
    await this.#request('event', 'POST', `/api/v1/namespaces/${namespace}/events`, { body: event });
  }

  #pathOf(object: JsonObject): string {
    const kind: OwnedKind = ownedKind({ apiVersion: object.apiVersion ?? '', kind: object.kind ?? '' });
    const { namespace, name } = object.metadata ?? {};
    if (!namespace || !name)
      throw new Error(`${object.kind} without namespace or name: ${JSON.stringify(object.metadata)}`);
    return objectPath(kind, namespace, name);
  }

  async #request<T>(
    verb: ReadVerb | WriteVerb,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const url = new URL(this.#access.server + path);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, value);
    const authHeaders = await this.#access.authHeaders();
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    this.#onRequest(verb);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method,
          agent: this.#agent,
          headers: {
            ...authHeaders,
            accept: 'application/json',
            // An explicit length: the apiserver answers a chunked DELETE body with 400.
            ...(body === undefined
              ? {}
              : {
                  'content-type': options.contentType ?? 'application/json',
                  'content-length': Buffer.byteLength(body),
                }),
          },
          timeout: 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
      request.on('error', reject);
      request.end(body);
    });
    if (status >= 400) {
      const problem = parseOr(text, {}) as { reason?: string; message?: string };
      throw new KubeApiError(method, path, status, problem.reason ?? 'Unknown', problem.message ?? text);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

/** A keep-alive connection pool to the apiserver, trusting and presenting what the access says. */
export function connectionPool(access: ClusterAccess, options: http.AgentOptions = {}): http.Agent {
  if (!access.server.startsWith('https:')) return new http.Agent({ keepAlive: true, ...options });
  return new https.Agent({ keepAlive: true, ...access.tls, ...options });
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
