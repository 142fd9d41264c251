/**
 * The project's Kubernetes client, for the operator, its tests and the test environment alike:
 * plain JSON in, plain JSON out. client-node's typed models re-serialize known kinds and silently
 * drop keys they spell differently, so every object goes on the wire exactly as it was built.
 * Server-side apply is forced under one field manager, with strict field validation; every request
 * is reported (by verb) so the metrics can show a steady pipeline costs no write. Kinds given to
 * the constructor are addressed without a request; any other is looked up once in the API's
 * discovery documents, as kubectl does.
 */
import http from 'node:http';
import https from 'node:https';
import type { ClusterAccess } from './cluster-access.ts';
import { apiVersionPath, collectionPath, kindKey, type Kind, type KindRef } from './kinds.ts';

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
    managedFields?: unknown[];
  };
  [field: string]: unknown;
}

/** What a write needs of an object, whatever its TypeScript type: where it lives. */
export interface ObjectAddress {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string };
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

export interface KubeApiOptions {
  /** Kinds addressed without asking the API; any other is discovered on first use. */
  kinds?: readonly Kind[];
  /** Told of every request, by verb, before it is sent. */
  onRequest?: (verb: ReadVerb | WriteVerb) => void;
  /** Who owns the fields this client applies (FIELD_MANAGER by default). */
  fieldManager?: string;
}

/** Where a kind lives: its plural, and whether its objects belong to a namespace. */
interface Resource {
  readonly plural: string;
  readonly namespaced: boolean;
}

interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | undefined>;
}

export class KubeApi {
  readonly #access: ClusterAccess;
  readonly #onRequest: (verb: ReadVerb | WriteVerb) => void;
  readonly #fieldManager: string;
  readonly #agent: http.Agent;
  /** By kindKey: the kinds given, then those discovered. */
  readonly #resources = new Map<string, Resource>();
  /** By apiVersion: discovery documents already asked for. */
  readonly #discovered = new Map<string, Promise<void>>();

  constructor(access: ClusterAccess, options: KubeApiOptions = {}) {
    this.#access = access;
    this.#onRequest = options.onRequest ?? (() => {});
    this.#fieldManager = options.fieldManager ?? FIELD_MANAGER;
    this.#agent = connectionPool(access, { maxSockets: 16 });
    for (const kind of options.kinds ?? [])
      this.#resources.set(kindKey(kind), { plural: kind.plural, namespaced: true });
  }

  async list<T>(path: string, labelSelector?: string): Promise<JsonList<T>> {
    return this.#request<JsonList<T>>('list', 'GET', path, { query: { labelSelector } });
  }

  async get<T>(path: string): Promise<T> {
    return this.#request<T>('get', 'GET', path);
  }

  /** The live copy of the object `object` names (by apiVersion, kind, namespace and name). */
  async read(object: ObjectAddress): Promise<JsonObject> {
    return this.get<JsonObject>(await this.#pathOf(object));
  }

  /**
   * Server-side apply, forced: this client's field manager owns every field it sets. Strict: an
   * unknown field fails. With `dryRun`, the apiserver validates and admits it, and stores nothing.
   * Returns the live object.
   */
  async apply(object: ObjectAddress, options: { dryRun?: boolean } = {}): Promise<JsonObject> {
    return this.#request('apply', 'PATCH', await this.#pathOf(object), {
      body: object,
      contentType: 'application/apply-patch+yaml',
      query: {
        fieldManager: this.#fieldManager,
        force: 'true',
        fieldValidation: 'Strict',
        dryRun: options.dryRun ? 'All' : undefined,
      },
    });
  }

  /** Server-side apply of the status subresource of `object`. */
  async applyStatus(path: string, object: JsonObject): Promise<JsonObject> {
    return this.#request('status', 'PATCH', `${path}/status`, {
      body: object,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: this.#fieldManager, force: 'true' },
    });
  }

  async create(object: JsonObject): Promise<JsonObject> {
    return this.createIn((await this.#pathOf(object)).replace(/\/[^/]+$/, ''), object);
  }

  /** Creates an object of a kind the operator does not own (its Lease) in a collection path. */
  async createIn<T>(collectionPath: string, object: T): Promise<T> {
    return this.#request('create', 'POST', collectionPath, {
      body: object,
      query: { fieldManager: this.#fieldManager },
    });
  }

  /** Replaces an object whole; its resourceVersion makes it fail with 409 if it changed since read. */
  async replace<T>(path: string, object: T): Promise<T> {
    return this.#request('update', 'PUT', path, { body: object, query: { fieldManager: this.#fieldManager } });
  }

  async mergePatch(object: JsonObject, patch: unknown): Promise<JsonObject> {
    return this.#request('patch', 'PATCH', await this.#pathOf(object), {
      body: patch,
      contentType: 'application/merge-patch+json',
      query: { fieldManager: this.#fieldManager },
    });
  }

  /** Deletes in the background: the garbage collector removes the object's own dependents (a Job's pods). */
  async delete(object: JsonObject): Promise<void> {
    await this.#request('delete', 'DELETE', await this.#pathOf(object), {
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

  /** The URL path of `object`, from its apiVersion, kind, namespace and name. */
  async #pathOf(object: ObjectAddress): Promise<string> {
    const kind = { apiVersion: object.apiVersion ?? '', kind: object.kind ?? '' };
    const resource = await this.#resource(kind);
    const { namespace, name } = object.metadata ?? {};
    if (!name || (resource.namespaced && !namespace))
      throw new Error(`${kindKey(kind)} without namespace or name: ${JSON.stringify(object.metadata)}`);
    const collection = collectionPath(
      { apiVersion: kind.apiVersion, plural: resource.plural },
      resource.namespaced ? namespace : undefined,
    );
    return `${collection}/${name}`;
  }

  async #resource(kind: KindRef): Promise<Resource> {
    const known = this.#resources.get(kindKey(kind));
    if (known) return known;
    let discovery = this.#discovered.get(kind.apiVersion);
    if (!discovery) {
      discovery = this.#discover(kind.apiVersion);
      this.#discovered.set(kind.apiVersion, discovery);
      // A failed lookup is asked again next time, not remembered.
      discovery.catch(() => this.#discovered.delete(kind.apiVersion));
    }
    await discovery;
    const found = this.#resources.get(kindKey(kind));
    if (!found) throw new Error(`the API serves no kind ${kindKey(kind)}`);
    return found;
  }

  async #discover(apiVersion: string): Promise<void> {
    const list = await this.get<{ resources: { name: string; kind: string; namespaced: boolean }[] }>(
      apiVersionPath(apiVersion),
    );
    for (const resource of list.resources) {
      // Subresources (pods/log, deployments/status) share their parent's kind.
      if (resource.name.includes('/')) continue;
      this.#resources.set(kindKey({ apiVersion, kind: resource.kind }), {
        plural: resource.name,
        namespaced: resource.namespaced,
      });
    }
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
    const { status, text, json } = await new Promise<{ status: number; text: string; json: boolean }>(
      (resolve, reject) => {
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
              resolve({
                status: response.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
                json: (response.headers['content-type'] ?? '').includes('json'),
              }),
            );
            response.on('error', reject);
          },
        );
        request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
        request.on('error', reject);
        request.end(body);
      },
    );
    if (status >= 400) throw apiError(method, path, status, text);
    // Health endpoints (/readyz) answer plain text.
    return (text === '' ? undefined : json ? JSON.parse(text) : text) as T;
  }
}

/** A keep-alive connection pool to the apiserver, trusting and presenting what the access says. */
export function connectionPool(access: ClusterAccess, options: http.AgentOptions = {}): http.Agent {
  if (!access.server.startsWith('https:')) return new http.Agent({ keepAlive: true, ...options });
  return new https.Agent({ keepAlive: true, ...access.tls, ...options });
}

/** The error for an answer of `code`, from the Status the apiserver sent, or from its text. */
export function apiError(method: string, path: string, code: number, text: string): KubeApiError {
  let status: { reason?: string; message?: string } = {};
  try {
    status = JSON.parse(text) as typeof status;
  } catch {
    // Not a Status (a proxy's page): the text itself is the message.
  }
  return new KubeApiError(method, path, code, status.reason ?? 'Unknown', status.message ?? text);
}
