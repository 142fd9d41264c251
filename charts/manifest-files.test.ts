import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dagSource } from '../airflow/dag-source.ts';
import { manifestFiles } from './manifest-files.ts';

const manifests = path.join(import.meta.dirname, '..', 'manifests');

describe('manifests/', () => {
  const files = manifestFiles(dagSource());

  it.each([...files.keys()])('%s is what `npm run synth` writes today', (file) => {
    const target = path.join(manifests, file);
    expect(fs.existsSync(target), `manifests/${file} is missing: run npm run synth`).toBe(true);
    expect(fs.readFileSync(target, 'utf8'), `manifests/${file} is stale: run npm run synth`).toBe(files.get(file));
  });

  it('holds no YAML or JSON that charts/ no longer produces', () => {
    const present = fs
      .readdirSync(manifests, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(yaml|json)$/.test(file))
      .map((file) => file.split(path.sep).join('/'));
    expect(present.filter((file) => !files.has(file))).toEqual([]);
  });
});
