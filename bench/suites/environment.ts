/**
 * Warm start and stop of each local component, in a scratch cache that shares the provisioned
 * artifacts, so it runs beside an environment already in use without touching it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionEnv } from '../../test/infra/component.ts';
import { componentEntries } from '../../test/infra/components.ts';
import { cacheDir } from '../../test/infra/context.ts';
import { seconds, table, type BenchSuite } from '../suite.ts';

function diskUsage(dir: string): string {
  if (!fs.existsSync(dir)) return 'absent';
  return execFileSync('du', ['-sh', dir], { encoding: 'utf8' }).split('\t')[0] ?? '?';
}

export const environmentSuite: BenchSuite = {
  name: 'environment',
  description: 'warm start and stop of each local component (artifacts already provisioned)',

  async run(print) {
    const artifacts = path.join(cacheDir(), 'artifacts');
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-bench-env-'));
    fs.symlinkSync(artifacts, path.join(scratch, 'artifacts'));
    const ctxFor = (env: ConnectionEnv) => ({
      root: process.cwd(),
      cacheDir: scratch,
      env,
      log: () => {},
    });
    const rows: string[][] = [];
    const env: ConnectionEnv = {};
    const started: { stop: () => Promise<void>; row: string[] }[] = [];
    const total = performance.now();
    try {
      for (const entry of componentEntries) {
        const component = await entry.load();
        const begin = performance.now();
        await component.provision(ctxFor(env));
        const provisioned = performance.now();
        Object.assign(env, await component.start(ctxFor({ ...env })));
        const row = [entry.label, seconds(provisioned - begin), seconds(performance.now() - provisioned), ''];
        rows.push(row);
        started.push({ stop: () => component.stop(ctxFor({ ...env })), row });
      }
      print(`whole environment up: ${seconds(performance.now() - total)}`);
    } finally {
      for (const { stop, row } of started.reverse()) {
        const begin = performance.now();
        await stop();
        row[3] = seconds(performance.now() - begin);
      }
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    for (const line of table(['component', 'provision (cached)', 'start', 'stop'], rows)) print(line);
    print('');
    print(`artifact cache ${artifacts}: ${diskUsage(artifacts)}`);
    for (const entry of fs.existsSync(artifacts) ? fs.readdirSync(artifacts) : []) {
      print(`  ${entry}: ${diskUsage(path.join(artifacts, entry))}`);
    }
  },
};
