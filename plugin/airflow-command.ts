/**
 * `kubectl recall airflow NAME [--port N]`: Airflow's UI on a local port, as `kubectl port-forward
 * svc/...` would give it, with the login users otherwise decode from the Secret by hand. Each
 * connection to the local port is forwarded, over the apiserver, to the api-server's pod behind the
 * Service, until Ctrl-C.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { PortForward, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { AIRFLOW_API_PORT, airflowObjectNames } from '../charts/airflow-construct.ts';
import { AIRFLOW_LOGIN_KEYS } from '../charts/airflow-login.ts';
import { apiErrorMessage, connect, isNotFound, type Cluster, type OpenSocket } from './cluster-access.ts';
import { GLOBAL_USAGE, parseCommandLine } from './command-line.ts';
import { PluginError, UsageError, type PluginCommand, type PluginIo } from './plugin-command.ts';
import { pipelineRef, readPipeline } from './read-pipeline.ts';

const USAGE =
  'usage: kubectl recall airflow NAME [--port N] [-n NS]\n\n' +
  'Forwards a local port to the pipeline’s Airflow UI (its api-server Service) and prints the URL\n' +
  'and the login, until Ctrl-C. Needs spec.airflow.enabled.\n\n' +
  'options:\n' +
  '  --port N   the local port (default: any free one)\n\n' +
  GLOBAL_USAGE;

const OPTIONS = { port: { type: 'string' } } as const;

/** The container port a Service port leads to in `pod`: a number as is, a name through the pod's ports. */
export function containerPort(service: V1Service, servicePort: number, pod: V1Pod): number | undefined {
  const port = service.spec?.ports?.find((candidate) => candidate.port === servicePort);
  if (!port) return undefined;
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of pod.spec?.containers ?? []) {
    const named = container.ports?.find((candidate) => candidate.name === target);
    if (named) return named.containerPort;
  }
  return undefined;
}

function readyPod(pods: readonly V1Pod[]): V1Pod | undefined {
  return pods.find(
    (pod) =>
      pod.metadata?.deletionTimestamp === undefined &&
      pod.status?.phase === 'Running' &&
      (pod.status.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True'),
  );
}

export function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`airflow: --port ${text} is not a port number (1-65535)`);
  return port;
}

async function read<T>(what: string, ref: string, call: () => Promise<T>, missing: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) throw new PluginError(`${ref}: ${missing}`);
    throw new PluginError(`${ref}: reading ${what}: ${apiErrorMessage(error)}`);
  }
}

/** Forwards each connection to `server` to the pod's port, over its own WebSocket. */
function forwardConnections(server: net.Server, cluster: Cluster, pod: string, port: number, io: PluginIo): void {
  const forward = new PortForward(cluster.config);
  server.on('connection', (socket) => {
    socket.on('error', () => socket.destroy());
    const errors = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        // The error channel opens with an empty message; only text on it is an error.
        const text = chunk.toString().trim();
        if (text !== '') {
          io.stderr.write(`port-forward to pod ${pod}:${port}: ${text}\n`);
          socket.destroy();
        }
        callback();
      },
    });
    forward.portForward(cluster.namespace, pod, [port], socket, errors, socket).then(
      (opened: unknown) => {
        // Without retries (the default), the WebSocket itself.
        const webSocket = opened as OpenSocket;
        webSocket.once('close', () => socket.end());
        socket.once('close', () => webSocket.close());
      },
      (error: unknown) => {
        io.stderr.write(`port-forward to pod ${pod}:${port}: ${apiErrorMessage(error)}\n`);
        socket.destroy();
      },
    );
  });
}

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export const airflowCommand: PluginCommand = {
  name: 'airflow',
  usage: USAGE,
  async run(argv: readonly string[], io: PluginIo): Promise<number> {
    const { target, name, values } = parseCommandLine('airflow', argv, OPTIONS);
    const localPort = parsePort(values.port);
    const cluster = connect(target);
    const { ctx, pipeline } = await readPipeline(cluster, name);
    const ref = pipelineRef(name, cluster.namespace);
    if (!pipeline.spec.airflow.enabled) {
      throw new PluginError(`${ref} does not run Airflow (spec.airflow.enabled is false)`);
    }
    const names = airflowObjectNames(ctx.name);
    const { namespace } = cluster;
    const service = await read(
      `Service ${names.api}`,
      ref,
      () => cluster.core.readNamespacedService({ name: names.api, namespace }),
      `Airflow's Service ${names.api} does not exist yet (kubectl recall status ${name} -n ${namespace})`,
    );
    const selector = Object.entries(service.spec?.selector ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const pods = await read(
      `the pods of Service ${names.api}`,
      ref,
      () => cluster.core.listNamespacedPod({ namespace, labelSelector: selector }),
      'no pods',
    );
    const pod = readyPod(pods.items);
    if (!pod) {
      throw new PluginError(
        `${ref}: Airflow's api-server (Service ${names.api}) has no ready pod yet (kubectl recall status ${name} -n ${namespace})`,
      );
    }
    const port = containerPort(service, AIRFLOW_API_PORT, pod);
    if (port === undefined) throw new PluginError(`${ref}: Service ${names.api} has no port ${AIRFLOW_API_PORT}`);
    const secret = await read(
      `Secret ${names.login}`,
      ref,
      () => cluster.core.readNamespacedSecret({ name: names.login, namespace }),
      `Airflow's login Secret ${names.login} does not exist yet`,
    );
    const decode = (key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');

    const server = net.createServer();
    forwardConnections(server, cluster, pod.metadata!.name!, port, io);
    let bound: number;
    try {
      bound = await listen(server, localPort);
    } catch (error) {
      throw new PluginError(`listening on 127.0.0.1:${localPort}: ${(error as Error).message}`);
    }
    io.stdout.write(
      `Forwarding 127.0.0.1:${bound} to Service ${names.api} port ${AIRFLOW_API_PORT} (pod ${pod.metadata!.name}) of ${ref}\n` +
        `Airflow UI: http://127.0.0.1:${bound}/\n` +
        `Login:      ${decode(AIRFLOW_LOGIN_KEYS.username)} / ${decode(AIRFLOW_LOGIN_KEYS.password)}  (Secret ${names.login})\n` +
        'Press Ctrl-C to stop.\n',
    );
    await untilInterrupted();
    server.close();
    return 0;
  },
};
