import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './dag-source.ts';

describe('packageRoot', () => {
  const root = path.resolve(import.meta.dirname, '..');

  it('finds the package from the sources and from the compiled operator alike', () => {
    expect(packageRoot(import.meta.dirname)).toBe(root);
    expect(packageRoot(path.join(root, 'dist', 'airflow'))).toBe(root);
  });

  it('names the folder it started from when there is no package above it', () => {
    expect(() => packageRoot('/')).toThrow('no package.json above /');
  });
});
