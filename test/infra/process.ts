/**
 * Small process management for the local environment: run a command to completion, start a
 * long-lived daemon detached from the caller (so `env:up` can exit while it runs), find it again
 * through its pid file, and stop it with its whole process group.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StopWaiting, until, type UntilOptions } from '../until.ts';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the child's output goes besides the returned string; long builds want a log file. */
  logFile?: string;
  user?: SystemUser;
}

/** Runs a command to completion and returns its stdout; throws with the command and the tail of its output. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options.user,
  });
  const log = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    log?.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    log?.write(chunk);
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  log?.end();
  if (code !== 0) {
    const tail = (stderr || stdout).trim().split('\n').slice(-25).join('\n');
    throw new Error(
      `command failed (${signal ?? `exit ${code}`}): ${command} ${args.join(' ')}` +
        (options.logFile ? `\nlog: ${options.logFile}` : '') +
        `\n${tail}`,
    );
  }
  return stdout;
}

/** True when `command` is found on PATH (or is an existing absolute path). */
export function onPath(command: string): boolean {
  if (path.isAbsolute(command)) return fs.existsSync(command);
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && fs.existsSync(path.join(dir, command)));
}

export interface DaemonSpec {
  /** Names the pid file and the log file inside `dir`. */
  name: string;
  dir: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this system user (PostgreSQL refuses to run as root). */
  user?: SystemUser;
}

/** A system account to run a child process as. */
export interface SystemUser {
  uid: number;
  gid: number;
}

export function pidFile(dir: string, name: string): string {
  return path.join(dir, `${name}.pid`);
}

export function logFile(dir: string, name: string): string {
  return path.join(dir, `${name}.log`);
}

/** Starts a daemon in its own process group, detached from this process, output appended to `<name>.log`. */
export function startDaemon(spec: DaemonSpec): number {
  fs.mkdirSync(spec.dir, { recursive: true });
  const out = fs.openSync(logFile(spec.dir, spec.name), 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd ?? spec.dir,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
    ...spec.user,
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  child.unref();
  fs.writeFileSync(pidFile(spec.dir, spec.name), `${child.pid}\n`);
  return child.pid;
}

/** The pid recorded for a daemon when that process is still alive, else undefined. */
export function runningPid(dir: string, name: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile(dir, name), 'utf8'), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  // A zombie still answers signal 0; it is not running.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

/**
 * Stops a daemon and every process in its group: SIGTERM first, SIGKILL after `graceMs`.
 * Harmless when it is not running.
 */
export async function stopDaemon(dir: string, name: string, graceMs = 10_000): Promise<void> {
  const pid = runningPid(dir, name);
  if (pid !== undefined) {
    const gone = () => runningPid(dir, name) === undefined;
    signalGroup(pid, 'SIGTERM');
    const stopped = await until(gone, `${name} to stop on SIGTERM`, { timeoutMs: graceMs, intervalMs: 100 }).catch(
      () => false,
    );
    if (!stopped) {
      signalGroup(pid, 'SIGKILL');
      await until(gone, `${name} to end on SIGKILL`, { intervalMs: 50 });
    }
  }
  fs.rmSync(pidFile(dir, name), { force: true });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** A TCP port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port could be reserved');
  return address.port;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export async function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A daemon started by startDaemon: where its pid file and log are, and its name there. */
export interface Daemon {
  readonly dir: string;
  readonly name: string;
}

/**
 * Waits until `check` holds for a daemon just started: the wait fails at once if the daemon exits
 * meanwhile (waiting longer cannot help), and any failure ends with the tail of its log.
 */
export async function untilDaemon(
  daemon: Daemon,
  check: () => Promise<boolean>,
  what: string,
  options: Omit<UntilOptions, 'detail'> = {},
): Promise<void> {
  await until(
    () => {
      if (runningPid(daemon.dir, daemon.name) === undefined) throw new StopWaiting(`${daemon.name} exited`);
      return check();
    },
    what,
    { ...options, detail: () => logTail(logFile(daemon.dir, daemon.name)) },
  );
}

/** The last lines of a log file, formatted to append to an error message. */
export function logTail(file: string | undefined, lines = 30): string {
  if (!file || !fs.existsSync(file)) return '';
  const tail = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  return `\n--- last lines of ${file} ---\n${tail}`;
}

/** Reads a JSON file written by `writeJson`, or undefined when absent. */
export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Writes JSON atomically (temp file + rename), so a crash never leaves half a file. */
export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(temp, file);
}

/** One side of `runPiped`: a command and its arguments. */
export type Command = readonly [command: string, args: readonly string[]];

/**
 * `producer | consumer`, streamed, both outputs but the pipe appended to `logFile`; throws naming
 * whichever side failed. For tar and image streams too large to hold in memory.
 */
export async function runPiped(producer: Command, consumer: Command, logFile: string): Promise<void> {
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const left = spawn(producer[0], producer[1], { stdio: ['ignore', 'pipe', 'pipe'] });
  const right = spawn(consumer[0], consumer[1], { stdio: ['pipe', 'pipe', 'pipe'] });
  left.stdout.pipe(right.stdin);
  for (const stream of [left.stderr, right.stdout, right.stderr]) stream.pipe(log, { end: false });
  const exited = (child: ReturnType<typeof spawn>, [command]: Command): Promise<void> =>
    new Promise((resolve, reject) =>
      child.once('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`${command} exited ${code} (log: ${logFile})`)),
      ),
    );
  try {
    await Promise.all([exited(left, producer), exited(right, consumer)]);
  } finally {
    // Flushed before a caller reads the log to explain a failure.
    await new Promise<void>((resolve) => log.end(resolve));
  }
}
