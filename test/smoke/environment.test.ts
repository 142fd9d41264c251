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

function pidsUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (commandLine.includes(dir)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
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
    const runDir = path.join(scratch, 'run');
    expect(pidsUnder(runDir).length).toBeGreaterThan(0);
    for (const entry of [...componentEntries].reverse()) {
      const component = await entry.load();
      await component.stop(ctx());
      expect((await component.status(ctx())).running).toBe(false);
    }
    expect(pidsUnder(runDir)).toEqual([]);
  });
});
