/**
 * The environment's own promises: starting twice is harmless and stopping leaves no process
 * behind. Runs each component in a scratch cache (sharing the provisioned artifacts) so the
 * environment the other tests use is untouched.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectionEnv, EnvContext } from '../infra/component.ts';
import { componentEntries } from '../infra/components.ts';
import { cacheDir } from '../infra/context.ts';

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
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-env-test-'));
  fs.symlinkSync(path.join(cacheDir(), 'artifacts'), path.join(scratch, 'artifacts'));
  const env: ConnectionEnv = {};
  const ctx = (): EnvContext => ({ root: process.cwd(), cacheDir: scratch, env: { ...env }, log: () => {} });

  afterAll(async () => {
    for (const entry of [...componentEntries].reverse()) await (await entry.load()).stop(ctx());
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it.each(componentEntries.map((entry) => [entry.name, entry] as const))(
    '%s: a second start reuses the running one',
    async (_name, entry) => {
      const component = await entry.load();
      await component.provision(ctx());
      const first = await component.start(ctx());
      const second = await component.start(ctx());
      expect(second).toEqual(first);
      expect((await component.status(ctx())).running).toBe(true);
      Object.assign(env, first);
    },
  );

  it('stopping every component leaves no process behind', async () => {
    const daemons = daemonPids(path.join(scratch, 'run'));
    // PostgreSQL, Kafka, etcd, kube-apiserver, kube-controller-manager.
    expect(daemons).toHaveLength(5);
    expect(processesInGroups(daemons).length).toBeGreaterThanOrEqual(5);
    for (const entry of [...componentEntries].reverse()) await (await entry.load()).stop(ctx());
    expect(processesInGroups(daemons)).toEqual([]);
    for (const entry of componentEntries) {
      expect((await (await entry.load()).status(ctx())).running, entry.name).toBe(false);
    }
  });
});
