/**
 * The environment's own promises: starting twice is harmless and stopping leaves no process
 * behind. Runs every component in a scratch environment, so the shared one is untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { componentEntries } from '../infra/components.ts';
import { scratchEnvironment } from '../infra/scratch-environment.ts';

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
    // PostgreSQL, Kafka, etcd, kube-apiserver, kube-controller-manager.
    expect(daemons).toHaveLength(5);
    expect(processesInGroups(daemons).length).toBeGreaterThanOrEqual(5);
    for (const entry of [...componentEntries].reverse()) await (await entry.load()).stop(scratch.context());
    expect(processesInGroups(daemons)).toEqual([]);
    for (const entry of componentEntries) {
      expect((await (await entry.load()).status(scratch.context())).running, entry.name).toBe(false);
    }
  });
});
