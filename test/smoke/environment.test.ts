/**
 * The environment's own promises: starting twice is harmless and stopping leaves no process
 * behind. Runs every component in a scratch environment, so the shared one is untouched.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { componentEntries } from '../infra/components.ts';
import { scratchEnvironment } from '../infra/scratch-environment.ts';

const execFileAsync = promisify(execFile);

/** The pids recorded in the daemons' pid files below `dir`: each leads a process group of its own. */
function daemonPids(dir: string): number[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.pid'))
    .map((file) => Number.parseInt(fs.readFileSync(path.join(dir, file), 'utf8'), 10));
}

/** Live processes in the given process groups (a daemon and every child it forked). */
function processesInGroups(groups: readonly number[]): number[] {
  const live: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , processGroup] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && groups.includes(Number(processGroup))) live.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return live;
}

describe('local environment lifecycle', () => {
  const scratch = scratchEnvironment('recall-env-test-');

  afterAll(async () => {
    await scratch.dispose();
  });

  it.each(componentEntries.map((entry) => [entry.name, entry] as const))(
    '%s: a second start reuses the running one',
    async (_name, entry) => {
      const first = await scratch.start(entry);
      const second = await scratch.start(entry);
      expect(second).toEqual(first);
      expect((await (await entry.load()).status(scratch.context())).running).toBe(true);
    },
  );

  it('stopping every component leaves no process behind', async () => {
    const daemons = daemonPids(path.join(scratch.cacheDir, 'run'));
    // PostgreSQL, Kafka, etcd, kube-apiserver, kube-controller-manager; Airflow runs no daemon.
    expect(daemons).toHaveLength(5);
    expect(processesInGroups(daemons).length).toBeGreaterThanOrEqual(5);
    for (const entry of [...componentEntries].reverse()) await (await entry.load()).stop(scratch.context());
    expect(processesInGroups(daemons)).toEqual([]);
    for (const entry of componentEntries) {
      expect((await (await entry.load()).status(scratch.context())).running, entry.name).toBe(false);
    }
  });
});

describe('npm run env:up / env:status / env:down (the command, in a scratch cache)', () => {
  // The command starts and stops the components itself; the scratch environment lends its cache.
  const lent = scratchEnvironment('recall-env-cli-');
  const scratch = lent.cacheDir;

  /** Runs test/infra/env.ts as the npm scripts do; resolves with its exit code and output. */
  async function envCommand(...args: string[]): Promise<{ code: number; stdout: string }> {
    const options = { env: { ...process.env, RECALL_ENV_CACHE: scratch } };
    try {
      const { stdout } = await execFileAsync(process.execPath, ['test/infra/env.ts', ...args], options);
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '' };
    }
  }

  afterAll(async () => {
    await envCommand('down');
    await lent.dispose();
  });

  it('up twice prints the same export lines and writes them to one file', async () => {
    // Strimzi's CRDs bring the control plane they are installed into.
    const first = await envCommand('up', 'postgres', 'strimzi');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^export PGPORT=\d+$/m);
    expect(first.stdout).toMatch(/^export KUBECONFIG=\S+$/m);
    const second = await envCommand('up', 'postgres', 'strimzi');
    expect(second).toEqual(first);
    expect(fs.readFileSync(path.join(scratch, 'connection.env'), 'utf8')).toContain(first.stdout.trim());
  });

  it('status says which component runs, and exits 3 while any is down', async () => {
    const status = await envCommand('status');
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/^postgres +running/m);
    expect(status.stdout).toMatch(/^kubernetes +running/m);
    expect(status.stdout).toMatch(/^strimzi +running/m);
    expect(status.stdout).toMatch(/^kafka +down/m);
  });

  it('down stops exactly the named components, not what they need, and leaves no process behind', async () => {
    const daemons = daemonPids(path.join(scratch, 'run'));
    // PostgreSQL, etcd, kube-apiserver, kube-controller-manager.
    expect(processesInGroups(daemons).length).toBeGreaterThanOrEqual(4);
    expect((await envCommand('down', 'strimzi')).code).toBe(0);
    const after = await envCommand('status');
    // Strimzi's CRDs live in the control plane's etcd and go with it; the control plane stays.
    expect(after.stdout).toMatch(/^kubernetes +running/m);

    expect((await envCommand('down')).code).toBe(0);
    expect(processesInGroups(daemons)).toEqual([]);
    expect((await envCommand('status')).stdout).not.toMatch(/ running /);
    expect(fs.readFileSync(path.join(scratch, 'connection.env'), 'utf8')).not.toMatch(/^export /m);
  });
});
