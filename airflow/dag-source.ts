/**
 * The DAG's Python source, read where the dags ConfigMap's content is decided: by `npm run synth`
 * and by the operator as it starts. The builders in charts/ do no I/O, so they are handed the text.
 *
 * The file is found from the package root, not from this module, so the same lookup works from
 * the sources (airflow/) and from the compiled operator (dist/airflow/) in the image.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The DAG, from the package root. */
export const DAG_SOURCE_FILE = 'airflow/dags/recall_pipeline.py';

/** The nearest folder above `from` that holds package.json. */
export function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The DAG's text; undefined when the file is missing (the charts then use a placeholder). */
export function dagSource(): string | undefined {
  const file = path.join(packageRoot(import.meta.dirname), DAG_SOURCE_FILE);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}
