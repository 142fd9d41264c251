#!/usr/bin/env node
/**
 * `npm run synth` (cdk8s.yaml's app): writes manifests/ from charts/, removing YAML and JSON files
 * that charts/ no longer produces.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dagSource } from '../airflow/dag-source.ts';
import { manifestFiles } from './manifest-files.ts';

const root = path.join(import.meta.dirname, '..', 'manifests');
/** What synth writes; anything else under manifests/ (its README) is left alone. */
const GENERATED = /\.(yaml|json)$|\/NOTES\.txt$/;

function generatedFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => GENERATED.test(file))
    .map((file) => file.split(path.sep).join('/'));
}

const files = manifestFiles(dagSource());
for (const stale of generatedFilesUnder(root).filter((file) => !files.has(file))) {
  fs.rmSync(path.join(root, stale));
  process.stdout.write(`removed manifests/${stale}\n`);
}
for (const [file, content] of files) {
  const target = path.join(root, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
  process.stdout.write(`wrote manifests/${file}\n`);
}
