/**
 * The operator's Kubernetes client: plain JSON in, plain JSON out. client-node's typed models
 * re-serialize known kinds and silently drop keys they spell differently, so every object goes on
 * the wire exactly as the charts built it. Server-side apply is forced under one field manager;
 * every request is reported (by verb) so the metrics can show a steady pipeline costs no write.
 */
import http from 'node:http';
import https from 'node:https';
import type * as k8s from '@kubernetes/client-node';
import { objectPath, ownedKind, type OwnedKind } from './owned-kinds.ts';

export const FIELD_MANAGER = 'recall-pipeline-operator';

export type ReadVerb = 'get' | 'list';
export type WriteVerb = 'apply' | 'create' | 'patch' | 'delete' | 'status' | 'event';

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
  readonly #config: k8s.KubeConfig;
  readonly #server: URL;
  readonly #onRequest: (verb: ReadVerb | WriteVerb) => void;
  #agent: http.Agent | undefined;

  constructor(config: k8s.KubeConfig, onRequest: (verb: ReadVerb | WriteVerb) => void = () => {}) {
    const server = config.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster (check --kubeconfig or KUBECONFIG)');
    this.#config = config;
    this.#server = new URL(server);
    this.#onRequest = onRequest;
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
    const path = this.#pathOf(object).replace(/\/[^/]+$/, '');
    return this.#request('create', 'POST', path, { body: object, query: { fieldManager: FIELD_MANAGER } });
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
    const url = new URL(path, this.#server);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, value);
    // Credentials are applied per request: tokens from files or exec plugins may rotate.
    const auth: https.RequestOptions = {};
    await this.#config.applyToHTTPSOptions(auth);
    const agent = (this.#agent ??= this.#keepAliveAgent(auth));
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    this.#onRequest(verb);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method,
          agent,
          headers: {
            ...(auth.headers as Record<string, string> | undefined),
            accept: 'application/json',
            // An explicit length: the apiserver answers a chunked DELETE body with 400.
            ...(body === undefined
              ? {}
              : {
                  'content-type': options.contentType ?? 'application/json',
                  'content-length': Buffer.byteLength(body),
                }),
          },
          auth: auth.auth,
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

  /** One connection pool for the process, with the TLS material client-node resolved from the kubeconfig. */
  #keepAliveAgent(auth: https.RequestOptions): http.Agent {
    if (this.#server.protocol !== 'https:') return new http.Agent({ keepAlive: true });
    const cluster = this.#config.getCurrentCluster();
    return new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      ca: auth.ca,
      cert: auth.cert,
      key: auth.key,
      pfx: auth.pfx,
      passphrase: auth.passphrase,
      ...(cluster?.skipTLSVerify ? { rejectUnauthorized: false } : {}),
      ...(cluster?.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    });
  }
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
