/**
 * Where tests leave what a person looks at after a run (screenshots of a UI): under the cache
 * folder, which git ignores, and kept until the next run of the same test replaces it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from './infra/context.ts';

/** `<cache>/test-output/<...parts>`, created when missing. */
export function testOutputDir(...parts: string[]): string {
  const dir = path.join(cacheDir(), 'test-output', ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
