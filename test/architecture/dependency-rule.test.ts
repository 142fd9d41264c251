/**
 * The dependency rule of docs/decisions/0008-layout-and-dependency-rule.md, held to every import
 * of every production file: a change that breaks it fails here, naming the file and the import.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../infra/context.ts';

/** Where each layer's files may import from (besides Node and npm packages), by path prefix. */
const ALLOWED: readonly { readonly layer: string; readonly may: readonly string[] }[] = [
  // Checked before operator/: the machinery knows nothing of pipelines.
  { layer: 'operator/runtime/', may: ['operator/runtime/', 'src/logging/', 'src/retry/'] },
  { layer: 'contract/', may: ['contract/'] },
  { layer: 'charts/', may: ['contract/', 'charts/', 'airflow/'] },
  { layer: 'airflow/', may: ['airflow/'] },
  { layer: 'src/', may: ['contract/', 'src/'] },
  { layer: 'operator/', may: ['contract/', 'charts/', 'airflow/', 'src/', 'operator/'] },
  { layer: 'plugin/', may: ['contract/', 'charts/', 'plugin/'] },
  { layer: 'bin/', may: ['contract/', 'src/', 'operator/', 'bin/'] },
];

const isTest = (file: string) => /\.test(-fixture)?\.ts$/.test(file);

function productionFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (relative.endsWith('.ts') && !isTest(relative)) files.push(relative);
    }
  };
  for (const { layer } of ALLOWED) if (!layer.startsWith('operator/runtime')) walk(layer.slice(0, -1));
  return files;
}

/** The project files `file` imports, statically or dynamically, as paths from the repository root. */
function projectImports(file: string): string[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)].map(
    (match) => match[1]!,
  );
  return specifiers.map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
}

describe('the dependency rule', () => {
  const files = productionFiles();

  it('finds the production files of every layer', () => {
    for (const { layer } of ALLOWED)
      expect(
        files.some((file) => file.startsWith(layer)),
        layer,
      ).toBe(true);
  });

  it('holds for every import of every production file', () => {
    const broken: string[] = [];
    for (const file of files) {
      const rule = ALLOWED.find(({ layer }) => file.startsWith(layer))!;
      for (const target of projectImports(file)) {
        if (!rule.may.some((prefix) => target.startsWith(prefix))) broken.push(`${file} imports ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
