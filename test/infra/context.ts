/** Builds the EnvContext shared by the env CLI, vitest's globalSetup and the tests. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectionEnv, EnvContext } from './component.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function cacheDir(): string {
  return path.resolve(process.env.RECALL_ENV_CACHE ?? path.join(repoRoot, '.cache'));
}

export function envContext(env: ConnectionEnv = {}): EnvContext {
  return {
    root: repoRoot,
    cacheDir: cacheDir(),
    env,
    log: (message) => process.stderr.write(`${message}\n`),
  };
}
