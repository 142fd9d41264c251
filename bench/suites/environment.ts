/**
 * Warm start and stop of each local component, in a scratch environment that shares the
 * provisioned artifacts, so it runs beside an environment already in use without touching it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { componentEntries } from '../../test/infra/components.ts';
import { cacheDir } from '../../test/infra/context.ts';
import { scratchEnvironment } from '../../test/infra/scratch-environment.ts';
import { seconds, table, type BenchSuite } from '../suite.ts';

function diskUsage(dir: string): string {
  if (!fs.existsSync(dir)) return 'absent';
  return execFileSync('du', ['-shL', dir], { encoding: 'utf8' }).split('\t')[0] ?? '?';
}

export const environmentSuite: BenchSuite = {
  name: 'environment',
  description: 'warm start and stop of each local component (artifacts already provisioned)',

  async run(print) {
    const scratch = scratchEnvironment('recall-bench-env-');
    const rows: string[][] = [];
    const total = performance.now();
    try {
      for (const entry of componentEntries) {
        const begin = performance.now();
        await scratch.start(entry);
        rows.push([entry.label, seconds(performance.now() - begin), '']);
      }
      print(`whole environment up: ${seconds(performance.now() - total)}`);
      for (let index = componentEntries.length - 1; index >= 0; index -= 1) {
        const begin = performance.now();
        await (await componentEntries[index]!.load()).stop(scratch.context());
        rows[index]![2] = seconds(performance.now() - begin);
      }
    } finally {
      await scratch.dispose();
    }
    for (const line of table(['component', 'warm start', 'stop'], rows)) print(line);
    print('');
    const artifacts = path.join(cacheDir(), 'artifacts');
    print(`artifact cache ${artifacts}: ${diskUsage(artifacts)}`);
    for (const entry of fs.existsSync(artifacts) ? fs.readdirSync(artifacts) : []) {
      print(`  ${entry}: ${diskUsage(path.join(artifacts, entry))}`);
    }
  },
};
