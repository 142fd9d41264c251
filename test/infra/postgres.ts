/**
 * PostgreSQL from Debian's packages: a throwaway cluster, initialised afresh at every start in the
 * run directory and listening on 127.0.0.1 only, with password authentication like a real server.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { versions } from '../../contract/versions.ts';
import { runDir, type Component, type ConnectionEnv, type EnvContext } from './component.ts';
import {
  freePort,
  readJson,
  run,
  runningPid,
  startDaemon,
  stopDaemon,
  untilDaemon,
  writeJson,
  type SystemUser,
} from './process.ts';

const DAEMON = 'postgres';
const DATABASE = 'recall';
const USER = 'recall';

/** Debian installs each major version's server binaries here (package postgresql-<major>). */
function binDir(): string {
  return `/usr/lib/postgresql/${versions.postgresMajor}/bin`;
}

function binary(name: string): string {
  return path.join(binDir(), name);
}

/**
 * PostgreSQL refuses to run as root, and CI runs as root: then the cluster belongs to the
 * `postgres` account that Debian's package creates.
 */
function serverUser(): SystemUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      'PostgreSQL cannot run as root and there is no `postgres` account: apt-get install -y postgresql-15',
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Where the cluster's files live. As root the server runs as `postgres`, which cannot enter a
 * checkout under a private home directory, so the cluster then goes to a directory of its own in
 * the system's temporary directory, named after the run directory so that two caches never share one.
 */
function clusterDir(ctx: EnvContext, user: SystemUser | undefined): string {
  const dir = runDir(ctx, 'postgres');
  if (!user) return path.join(dir, 'cluster');
  return path.join(os.tmpdir(), `recall-postgres-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`);
}

function chownTree(target: string, user: SystemUser | undefined): void {
  if (!user) return;
  fs.chownSync(target, user.uid, user.gid);
  for (const entry of fs.readdirSync(target, { recursive: true, withFileTypes: false }) as string[]) {
    fs.chownSync(path.join(target, entry), user.uid, user.gid);
  }
}

interface PostgresState {
  port: number;
  password: string;
}

function stateFile(ctx: EnvContext): string {
  return path.join(runDir(ctx, 'postgres'), 'state.json');
}

function connection(state: PostgresState): ConnectionEnv {
  return {
    PGHOST: '127.0.0.1',
    PGPORT: String(state.port),
    PGUSER: USER,
    PGPASSWORD: state.password,
    PGDATABASE: DATABASE,
  };
}

async function acceptsConnections(port: number): Promise<boolean> {
  try {
    await run(binary('pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
    return true;
  } catch {
    return false;
  }
}

/** Starts the server of an initialised cluster and waits until it accepts connections. */
async function launch(ctx: EnvContext, state: PostgresState): Promise<void> {
  const dir = runDir(ctx, 'postgres');
  const user = serverUser();
  const cluster = clusterDir(ctx, user);
  const dataDir = path.join(cluster, 'data');
  startDaemon({
    name: DAEMON,
    dir,
    command: binary('postgres'),
    args: [
      '-D',
      dataDir,
      '-p',
      String(state.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${cluster}`,
      '-c',
      'max_connections=200',
    ],
    user,
  });
  await untilDaemon({ dir, name: DAEMON }, () => acceptsConnections(state.port), 'PostgreSQL to accept connections', {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}

/** Stops the server, keeping its cluster. */
async function halt(ctx: EnvContext): Promise<void> {
  const dir = runDir(ctx, 'postgres');
  // SIGTERM is PostgreSQL's "smart" shutdown; SIGINT ("fast") does not wait for clients to leave.
  const pid = runningPid(dir, DAEMON);
  if (pid !== undefined) process.kill(pid, 'SIGINT');
  await stopDaemon(dir, DAEMON);
}

export const postgres: Component = {
  name: 'postgres',

  provision() {
    // Nothing to download: the server comes from Debian's package, which .ci/run installs.
    if (!fs.existsSync(binary('postgres'))) {
      throw new Error(
        `PostgreSQL ${versions.postgresMajor} server binaries are missing from ${binDir()}: ` +
          `apt-get install -y postgresql-${versions.postgresMajor}`,
      );
    }
    return Promise.resolve();
  },

  async start(ctx) {
    const dir = runDir(ctx, 'postgres');
    const saved = readJson<PostgresState>(stateFile(ctx));
    if (saved && runningPid(dir, DAEMON) !== undefined && (await acceptsConnections(saved.port))) {
      return connection(saved);
    }
    await this.stop(ctx);

    const user = serverUser();
    const cluster = clusterDir(ctx, user);
    const dataDir = path.join(cluster, 'data');
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(cluster, { recursive: true, mode: 0o700 });
    const state: PostgresState = { port: await freePort(), password: randomBytes(18).toString('base64url') };
    const passwordFile = path.join(cluster, 'password');
    fs.writeFileSync(passwordFile, state.password, { mode: 0o600 });
    chownTree(cluster, user);

    ctx.log(`postgres: initdb ${dataDir}`);
    await run(
      binary('initdb'),
      ['-D', dataDir, '-U', USER, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8'],
      { user, cwd: os.tmpdir() },
    );
    fs.rmSync(passwordFile);

    await launch(ctx, state);
    await run(binary('createdb'), ['-h', '127.0.0.1', '-p', String(state.port), DATABASE], {
      env: { ...process.env, ...connection(state), PGDATABASE: 'postgres' },
    });
    writeJson(stateFile(ctx), state);
    return connection(state);
  },

  async stop(ctx) {
    await halt(ctx);
    const dir = runDir(ctx, 'postgres');
    fs.rmSync(clusterDir(ctx, serverUser()), { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  },

  halt,

  async resume(ctx) {
    const state = readJson<PostgresState>(stateFile(ctx));
    if (!state) throw new Error('postgres: nothing to resume, it was never started here');
    await launch(ctx, state);
  },

  async status(ctx) {
    const dir = runDir(ctx, 'postgres');
    const saved = readJson<PostgresState>(stateFile(ctx));
    const pid = runningPid(dir, DAEMON);
    if (!saved || pid === undefined) return { running: false, detail: 'not started' };
    if (!(await acceptsConnections(saved.port))) {
      return { running: false, detail: `pid ${pid} does not accept connections on 127.0.0.1:${saved.port}` };
    }
    return { running: true, detail: `pid ${pid}, postgresql://${USER}@127.0.0.1:${saved.port}/${DATABASE}` };
  },
};
