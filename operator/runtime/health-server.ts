/**
 * The operator's HTTP endpoints: /healthz (the process is alive and its loop turns), /readyz
 * (informers synced; a standby replica is ready too, so a rollout can proceed) and /metrics.
 */
import http from 'node:http';
import { once } from 'node:events';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  live: () => boolean;
  ready: () => boolean;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHealthServer(
  port: number,
  checks: HealthChecks,
  registry: Registry,
  host = '0.0.0.0',
): Promise<HealthServer> {
  const server = http.createServer((request, response) => {
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    switch (request.url) {
      case '/healthz':
        reply(checks.live() ? 200 : 503, checks.live() ? 'ok\n' : 'not live\n');
        return;
      case '/readyz':
        reply(checks.ready() ? 200 : 503, checks.ready() ? 'ok\n' : 'not ready\n');
        return;
      case '/metrics':
        registry.metrics().then(
          (text) => reply(200, text, registry.contentType),
          (error: unknown) => reply(500, String(error)),
        );
        return;
      default:
        reply(404, 'not found\n');
    }
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: async () => {
      server.close();
      server.closeAllConnections();
      await once(server, 'close');
    },
  };
}
