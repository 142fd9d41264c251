/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver and kube-controller-manager
 * built from source (see kubernetes-build.ts), without kubelets. Enough for an operator to be
 * tested against real API semantics: validation, server-side apply, RBAC, garbage collection,
 * service accounts. Everything it writes at runtime lives in one throwaway run directory.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { versions } from '../../contract/versions.ts';
import { loadClusterAccess } from '../../operator/runtime/cluster-access.ts';
import { KubeApi, KubeApiError } from '../../operator/runtime/kube-api.ts';
import { until } from '../until.ts';
import { type Component, type ComponentStatus, type ConnectionEnv, type EnvContext, runDir } from './component.ts';
import { binDir, buildAll, kubeCommands } from './kubernetes-build.ts';
import { ensurePki, pkiFiles, type Pki } from './kubernetes-pki.ts';
import { freePort, logFile, readJson, runningPid, startDaemon, stopDaemon, untilDaemon, writeJson } from './process.ts';

/** The kubectl built by provision(), matching the control plane's version. */
export function kubectlPath(ctx: EnvContext): string {
  return path.join(binDir(ctx), 'kubectl');
}

/** Started in this order, stopped in reverse. */
const daemons = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;

/** What start() chose, so that later calls find the running control plane again. */
interface State {
  etcdClientPort: number;
  etcdPeerPort: number;
  apiserverPort: number;
  controllerManagerPort: number;
  kubeconfig: string;
}

const stateFile = (dir: string): string => path.join(dir, 'state.json');
const apiserverUrl = (state: State): string => `https://127.0.0.1:${state.apiserverPort}`;

export const kubernetes: Component = {
  name: 'kubernetes',

  async provision(ctx) {
    await buildAll(ctx);
  },

  async start(ctx) {
    const dir = runDir(ctx, 'kubernetes');
    const previous = readJson<State>(stateFile(dir));
    if (previous && daemons.every((name) => runningPid(dir, name) !== undefined)) {
      // All processes are up: give a control plane that is still booting a moment before judging it.
      const ready = await until(() => isReady(previous), 'kube-apiserver', {
        timeoutMs: 30_000,
        intervalMs: 100,
      }).catch(() => false);
      if (ready) return connection(previous);
      ctx.log('kubernetes: the running control plane is unhealthy, restarting it');
    }
    // Partial or stale leftovers: restart every process on fresh ports and an empty etcd.
    for (const name of [...daemons].reverse()) await stopDaemon(dir, name);
    fs.rmSync(path.join(dir, 'etcd'), { recursive: true, force: true });

    for (const name of [...kubeCommands, 'etcd']) {
      if (!fs.existsSync(path.join(binDir(ctx), name))) {
        throw new Error(`kubernetes: ${name} is not built yet; run \`npm run env:up\` (it provisions first)`);
      }
    }
    const started = Date.now();
    const pki = await ensurePki(path.join(dir, 'pki'));
    const [etcdClientPort = 0, etcdPeerPort = 0, apiserverPort = 0, controllerManagerPort = 0] = await freePorts(4);
    const state: State = {
      etcdClientPort,
      etcdPeerPort,
      apiserverPort,
      controllerManagerPort,
      kubeconfig: path.join(dir, 'admin.kubeconfig'),
    };
    writeKubeconfig(state.kubeconfig, apiserverUrl(state), pki, pki.adminCert, pki.adminKey);
    const controllerManagerKubeconfig = path.join(dir, 'controller-manager.kubeconfig');
    writeKubeconfig(
      controllerManagerKubeconfig,
      apiserverUrl(state),
      pki,
      pki.controllerManagerCert,
      pki.controllerManagerKey,
    );
    writeJson(stateFile(dir), state);

    const bin = (name: string): string => path.join(binDir(ctx), name);
    const daemon = (name: string) => ({ dir, name });

    startDaemon({ ...daemon('etcd'), command: bin('etcd'), args: etcdArgs(dir, state) });
    await untilDaemon(daemon('etcd'), () => etcdHealthy(state), 'etcd to be healthy', {
      timeoutMs: 30_000,
      intervalMs: 100,
    });

    await startApiServer(ctx, state, pki);

    startDaemon({
      ...daemon('kube-controller-manager'),
      command: bin('kube-controller-manager'),
      args: controllerManagerArgs(dir, state, pki, controllerManagerKubeconfig),
    });
    // The serviceaccount controller creating `default` proves the controller-manager is working.
    await untilDaemon(
      daemon('kube-controller-manager'),
      () => answers(state, '/api/v1/namespaces/default/serviceaccounts/default'),
      'kube-controller-manager to create the default ServiceAccount',
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    ctx.log(
      `kubernetes: ${versions.kubernetes} ready at ${apiserverUrl(state)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return connection(state);
  },

  async stop(ctx) {
    const dir = runDir(ctx, 'kubernetes');
    for (const name of [...daemons].reverse()) await stopDaemon(dir, name);
    fs.rmSync(dir, { recursive: true, force: true });
  },

  async status(ctx): Promise<ComponentStatus> {
    const dir = runDir(ctx, 'kubernetes');
    const state = readJson<State>(stateFile(dir));
    const pids = daemons.map((name) => [name, runningPid(dir, name)] as const);
    if (!state || pids.every(([, pid]) => pid === undefined)) return { running: false, detail: 'not running' };
    const down = pids.filter(([, pid]) => pid === undefined).map(([name]) => name);
    if (down.length > 0) {
      return { running: false, detail: `${down.join(', ')} exited; see ${logFile(dir, down[0] ?? 'etcd')}` };
    }
    const pidList = pids.map(([name, pid]) => `${name} ${pid}`).join(', ');
    if (!(await isReady(state).catch(() => false))) {
      return { running: false, detail: `${apiserverUrl(state)} not ready (pids: ${pidList})` };
    }
    return { running: true, detail: `${apiserverUrl(state)} (pids: ${pidList})` };
  },
};

/** `count` different free ports: the kernel may hand out a just-released port again. */
/** Starts kube-apiserver for `state` and waits until it serves; etcd must be running. */
async function startApiServer(ctx: EnvContext, state: State, pki: Pki): Promise<void> {
  const dir = runDir(ctx, 'kubernetes');
  const daemon = { dir, name: 'kube-apiserver' };
  startDaemon({ ...daemon, command: path.join(binDir(ctx), 'kube-apiserver'), args: apiserverArgs(state, pki) });
  await untilDaemon(daemon, () => isReady(state), 'kube-apiserver /readyz', {
    timeoutMs: 120_000,
    intervalMs: 250,
  });
  await untilDaemon(
    daemon,
    () => answers(state, '/api/v1/namespaces/default'),
    'kube-apiserver to create the default namespace',
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

/**
 * Stops kube-apiserver and starts it again on the same port with the same etcd, as a control
 * plane upgrade or crash would: for tests of clients that must survive it.
 */
export async function restartApiServer(ctx: EnvContext, downtimeMs = 0): Promise<void> {
  const dir = runDir(ctx, 'kubernetes');
  const state = readJson<State>(stateFile(dir));
  if (!state) throw new Error('kubernetes: not running, nothing to restart');
  await stopDaemon(dir, 'kube-apiserver');
  await new Promise((resolve) => setTimeout(resolve, downtimeMs));
  await startApiServer(ctx, state, pkiFiles(path.join(dir, 'pki')));
}

async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function connection(state: State): ConnectionEnv {
  return { KUBECONFIG: state.kubeconfig };
}

function etcdArgs(dir: string, state: State): string[] {
  const client = `http://127.0.0.1:${state.etcdClientPort}`;
  const peer = `http://127.0.0.1:${state.etcdPeerPort}`;
  return [
    '--name=default',
    `--data-dir=${path.join(dir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    // The data is thrown away with the run directory; durability only costs test time.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

function apiserverArgs(state: State, pki: Pki): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${state.etcdClientPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${state.apiserverPort}`,
    `--tls-cert-file=${pki.apiserverCert}`,
    `--tls-private-key-file=${pki.apiserverKey}`,
    `--client-ca-file=${pki.caCert}`,
    // Without a request-header configuration, every delegating server (the controller-manager
    // here, aggregated APIs later) logs a missing CA bundle forever.
    `--requestheader-client-ca-file=${pki.caCert}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${pki.frontProxyClientCert}`,
    `--proxy-client-key-file=${pki.frontProxyClientKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--authorization-mode=Node,RBAC',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    // Endpoints may not hold loopback addresses, so the `kubernetes` Service gets no endpoints
    // instead of an error logged every ten seconds; nothing in-cluster can dial 127.0.0.1 anyway.
    '--endpoint-reconciler-type=none',
  ];
}

function controllerManagerArgs(dir: string, state: State, pki: Pki, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${state.controllerManagerPort}`,
    `--cert-dir=${path.join(dir, 'controller-manager-certs')}`,
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    `--cluster-signing-cert-file=${pki.caCert}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    // Each controller acts under its own service account, so RBAC is exercised as in a real cluster.
    '--use-service-account-credentials=true',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--leader-elect=false',
    // The default client rate limit (20 qps) spaces controller start-ups ~150 ms apart, several
    // seconds in all, because each one first fetches its service-account token.
    '--kube-api-qps=200',
    '--kube-api-burst=400',
    // Its default is under /usr/libexec, which it would create on the host.
    `--flex-volume-plugin-dir=${path.join(dir, 'flexvolume')}`,
  ];
}

function writeKubeconfig(file: string, server: string, pki: Pki, cert: string, key: string): void {
  const base64 = (name: string): string => fs.readFileSync(name).toString('base64');
  // Embedded data rather than file paths: the kubeconfig stays valid wherever it is copied.
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: local',
    '    cluster:',
    `      server: ${server}`,
    `      certificate-authority-data: ${base64(pki.caCert)}`,
    'users:',
    '  - name: local',
    '    user:',
    `      client-certificate-data: ${base64(cert)}`,
    `      client-key-data: ${base64(key)}`,
    'contexts:',
    '  - name: local',
    '    context:',
    '      cluster: local',
    '      user: local',
    'current-context: local',
    '',
  ].join('\n');
  fs.writeFileSync(file, yaml, { mode: 0o600 });
}

async function etcdHealthy(state: State): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`http://127.0.0.1:${state.etcdClientPort}/health`, { timeout: 2000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(response.statusCode === 200 && body.includes('"health":"true"')));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function isReady(state: State): Promise<boolean> {
  return answers(state, '/readyz');
}

/** One client per kubeconfig: each holds a keep-alive connection pool. */
const clients = new Map<string, Promise<KubeApi>>();

/**
 * Whether the apiserver answers `urlPath` with success, asked as the admin user through the
 * project's client; an unreachable apiserver throws, which the waits retry.
 */
async function answers(state: State, urlPath: string): Promise<boolean> {
  let client = clients.get(state.kubeconfig);
  if (!client) {
    client = loadClusterAccess(state.kubeconfig).then((access) => new KubeApi(access));
    clients.set(state.kubeconfig, client);
  }
  try {
    await (await client).get(urlPath);
    return true;
  } catch (error) {
    if (error instanceof KubeApiError) return false;
    throw error;
  }
}
