/**
 * One watch request to the apiserver, read as the stream of events it is: a line of JSON per event.
 * Over node:http, as kube-api.ts is, so a watch costs no HTTP library of its own: client-node's
 * informer brought node-fetch and every generated model class with it, about 8 MB of the
 * operator's resident memory, and Node's deprecation warnings for punycode and url.parse.
 */
import http from 'node:http';
import https from 'node:https';
import type { ClusterAccess } from './cluster-access.ts';
import { apiError, connectionPool, type JsonObject } from './kube-api.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchHandlers {
  /** The apiserver answered 200: events follow. */
  onConnect: () => void;
  onEvent: (type: WatchEventType, object: JsonObject) => void;
  /**
   * Called once, unless the stream was closed by us: without an error when the apiserver ended the
   * watch (its request timeout), with a KubeApiError for a refused watch or an ERROR event (410
   * Gone: the resourceVersion is too old, list again), or with the connection's error.
   */
  onEnd: (error?: Error) => void;
}

export interface WatchQuery {
  resourceVersion?: string;
  labelSelector?: string;
}

export interface WatchStream {
  /** Ends the request; onEnd is not called after this. */
  close(): void;
}

/** One pool per cluster for every watch: each holds its connection open, so the pool is not capped. */
const watchPools = new WeakMap<ClusterAccess, http.Agent>();

export function watchStream(
  access: ClusterAccess,
  path: string,
  query: WatchQuery,
  handlers: WatchHandlers,
): WatchStream {
  let agent = watchPools.get(access);
  if (!agent) watchPools.set(access, (agent = connectionPool(access)));
  const url = new URL(access.server + path);
  url.searchParams.set('watch', 'true');
  // Bookmarks keep the resourceVersion recent on a quiet kind, so a restarted watch rarely gets 410.
  url.searchParams.set('allowWatchBookmarks', 'true');
  if (query.resourceVersion) url.searchParams.set('resourceVersion', query.resourceVersion);
  if (query.labelSelector !== undefined) url.searchParams.set('labelSelector', query.labelSelector);

  let request: http.ClientRequest | undefined;
  let ended = false;
  const end = (error?: Error): void => {
    if (ended) return;
    ended = true;
    request?.destroy();
    handlers.onEnd(error);
  };

  const open = (headers: Record<string, string>): void => {
    if (ended) return;
    request = (url.protocol === 'https:' ? https : http).get(
      url,
      { agent, headers: { ...headers, accept: 'application/json' } },
      (response) => {
        response.setEncoding('utf8');
        if (response.statusCode !== 200) {
          let text = '';
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => end(apiError('GET', path, response.statusCode ?? 0, text)));
          return;
        }
        handlers.onConnect();
        let pending = '';
        response.on('data', (chunk: string) => {
          pending += chunk;
          let newline: number;
          while (!ended && (newline = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            if (line.trim() !== '') dispatch(line);
          }
        });
        response.on('end', () => end());
        response.on('error', end);
        // After 'end' this does nothing; without it, a connection cut short would end no watch.
        response.on('close', () => end(new Error(`GET ${path}: the watch's connection closed`)));
      },
    );
    request.on('error', end);
  };

  const dispatch = (line: string): void => {
    let event: { type?: string; object?: JsonObject };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      end(new Error(`GET ${path}: the watch sent a line that is not JSON: ${line.slice(0, 200)}`));
      return;
    }
    if (event.type === 'ERROR') {
      // The event's object is the Status a refused request would have answered.
      end(apiError('GET', path, Number(event.object?.code ?? 0), JSON.stringify(event.object ?? {})));
      return;
    }
    handlers.onEvent(event.type as WatchEventType, event.object ?? {});
  };

  access.authHeaders().then(open, end);
  return {
    close: () => {
      ended = true;
      request?.destroy();
    },
  };
}
