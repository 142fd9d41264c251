/**
 * The informer's answers to what a real apiserver does only rarely or slowly (410 Gone, a watch it
 * ends, a line cut across packets), against a small HTTP server that speaks the watch protocol.
 * test/integration/resilient-informer.test.ts runs it against a real kube-apiserver.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../test/until.ts';
import type { ClusterAccess } from './cluster-access.ts';
import type { JsonList, JsonObject } from './kube-api.ts';
import { ResilientInformer } from './resilient-informer.ts';

const PATH = '/api/v1/namespaces/ns/configmaps';
const soon = { timeoutMs: 5000, intervalMs: 10 };

function configMap(name: string, resourceVersion: string): JsonObject {
  return { metadata: { name, namespace: 'ns', resourceVersion } };
}

/** Answers each watch request with the next script: it writes to the response, and may end it. */
type WatchScript = (response: http.ServerResponse) => void;

interface FakeApiServer {
  readonly access: ClusterAccess;
  /** The query of every watch request, in order. */
  readonly watches: URLSearchParams[];
  close(): Promise<void>;
}

async function fakeApiServer(scripts: WatchScript[]): Promise<FakeApiServer> {
  const watches: URLSearchParams[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== PATH || url.searchParams.get('watch') !== 'true') {
      response.writeHead(404).end();
      return;
    }
    watches.push(url.searchParams);
    const script = scripts.shift();
    if (!script) return; // later watches stay open and quiet
    script(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    access: { server: `http://127.0.0.1:${port}`, tls: {}, authHeaders: () => Promise.resolve({}) },
    watches,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const event = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;

describe('ResilientInformer, against a fake apiserver', () => {
  let apiserver: FakeApiServer | undefined;
  let informer: ResilientInformer<JsonObject> | undefined;

  afterEach(async () => {
    await informer?.stop();
    await apiserver?.close();
  });

  function start(lists: JsonList<JsonObject>[]) {
    const upserted: string[] = [];
    const deleted: string[] = [];
    const errors: string[] = [];
    let listed = 0;
    informer = new ResilientInformer<JsonObject>(apiserver!.access, {
      path: PATH,
      labelSelector: 'app=a',
      list: () => Promise.resolve(lists[Math.min(listed++, lists.length - 1)]!),
      onUpsert: (object) => upserted.push(`${object.metadata!.name}@${object.metadata!.resourceVersion}`),
      onDelete: (object) => deleted.push(object.metadata!.name!),
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
      initialBackoffMs: 10,
      maxBackoffMs: 20,
    });
    return { upserted, deleted, errors, listed: () => listed, started: informer.start() };
  }

  it('watches from the list’s resourceVersion, with the selector and bookmarks, and caches what it sees', async () => {
    apiserver = await fakeApiServer([
      (response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        // One event split across two writes, then a bookmark and a delete.
        const added = event('ADDED', configMap('b', '11'));
        response.write(added.slice(0, 10));
        setTimeout(() => {
          response.write(added.slice(10));
          response.write(event('BOOKMARK', { metadata: { resourceVersion: '12' } }));
          response.write(event('DELETED', configMap('a', '13')));
        }, 20);
      },
    ]);
    const seen = start([{ items: [configMap('a', '5')], metadata: { resourceVersion: '10' } }]);
    await seen.started;
    await until(() => seen.deleted.length === 1, 'the delete', soon);

    expect(seen.upserted).toEqual(['a@5', 'b@11']);
    expect(seen.deleted).toEqual(['a']);
    expect(informer!.list().map((object) => object.metadata!.name)).toEqual(['b']);
    expect(informer!.get('b', 'ns')?.metadata?.resourceVersion).toBe('11');
    const query = apiserver.watches[0]!;
    expect([query.get('resourceVersion'), query.get('labelSelector'), query.get('allowWatchBookmarks')]).toEqual([
      '10',
      'app=a',
      'true',
    ]);
  });

  it('watches again from the last resourceVersion seen when the apiserver ends the watch', async () => {
    apiserver = await fakeApiServer([
      (response) => {
        response.writeHead(200);
        response.end(
          event('MODIFIED', configMap('a', '20')) + event('BOOKMARK', { metadata: { resourceVersion: '21' } }),
        );
      },
    ]);
    const seen = start([{ items: [configMap('a', '5')], metadata: { resourceVersion: '10' } }]);
    await until(() => apiserver!.watches.length === 2, 'a second watch', soon);

    expect(apiserver.watches[1]!.get('resourceVersion')).toBe('21');
    expect(seen.listed()).toBe(1);
    expect(seen.errors).toEqual([]);
  });

  it('takes a watch that ended at once, empty, for a failure: reported, and retried after a backoff', async () => {
    const empty: WatchScript = (response) => response.writeHead(200).end();
    apiserver = await fakeApiServer([empty, empty]);
    const seen = start([{ items: [], metadata: { resourceVersion: '10' } }]);
    await until(() => apiserver!.watches.length === 3, 'a third watch', soon);

    expect(seen.errors).toHaveLength(2);
    expect(seen.errors[0]).toMatch(new RegExp(`^${PATH}: the watch ended after \\d+ ms, empty$`));
    expect(apiserver.watches.map((query) => query.get('resourceVersion'))).toEqual(['10', '10', '10']);
    expect(seen.listed()).toBe(1);
  });

  it('lists again on 410 Gone, delivering only what changed and deleting what is gone', async () => {
    apiserver = await fakeApiServer([
      (response) => {
        response.writeHead(200);
        response.write(
          event('ERROR', {
            kind: 'Status',
            code: 410,
            reason: 'Expired',
            message: 'too old resource version: 10 (30)',
          }),
        );
      },
    ]);
    const seen = start([
      { items: [configMap('a', '5'), configMap('b', '6')], metadata: { resourceVersion: '10' } },
      { items: [configMap('a', '5'), configMap('c', '29')], metadata: { resourceVersion: '30' } },
    ]);
    await until(() => apiserver!.watches.length === 2, 'a watch after the second list', soon);

    expect(seen.listed()).toBe(2);
    expect(seen.upserted).toEqual(['a@5', 'b@6', 'c@29']);
    expect(seen.deleted).toEqual(['b']);
    expect(apiserver.watches[1]!.get('resourceVersion')).toBe('30');
    expect(seen.errors).toEqual([]); // a 410 is routine, not a failure to report
  });

  it('reports a refused watch with the apiserver’s reason, and tries again', async () => {
    apiserver = await fakeApiServer([
      (response) => {
        response.writeHead(403, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'configmaps is forbidden' }),
        );
      },
    ]);
    const seen = start([{ items: [], metadata: { resourceVersion: '10' } }]);
    await until(() => apiserver!.watches.length === 2, 'a second watch', soon);

    expect(seen.errors).toEqual([`GET ${PATH}: 403 Forbidden: configmaps is forbidden`]);
    // The watch is restarted from where it was: nothing was lost, so nothing is listed again.
    expect(seen.listed()).toBe(1);
    expect(apiserver.watches[1]!.get('resourceVersion')).toBe('10');
  });
});
