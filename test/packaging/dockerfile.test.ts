/**
 * The Dockerfile held to the code, in a second: the Node.js version, the files copied, the entry
 * points the manifests run, the user the pods expect, and the tag the manifests name. The image
 * itself is built and run by the end-to-end tier (test/e2e, `npm run kind:up`).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JOB_NODE_FLAGS, pipelineContainer } from '../../charts/pipeline-pod.ts';
import { pipelineContext } from '../../charts/pipeline-context.ts';
import { parseRecallPipeline } from '../../contract/recall-pipeline/recall-pipeline.ts';
import {
  DEFAULT_PIPELINE_IMAGE,
  IMAGE_ENV,
  IMAGE_KUBECTL_RECALL_ENTRYPOINT,
  IMAGE_RECALL_ENTRYPOINT,
  PIPELINE_IMAGE_USER,
} from '../../contract/pipeline-defaults.ts';
import { versions } from '../../contract/versions.ts';

const dockerfile = fs.readFileSync('Dockerfile', 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const ignored = fs
  .readFileSync('.dockerignore', 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('Dockerfile', () => {
  it('builds on the Node.js version the project pins', () => {
    const bases = instructions.filter((line) => line.startsWith('FROM ')).map((line) => line.split(/\s+/)[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(new RegExp(`^node:${versions.node.replaceAll('.', '\\.')}-`));
  });

  it('copies files that exist and that .dockerignore lets through', () => {
    const sources = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources).toContain('package-lock.json');
    for (const source of sources) {
      expect(fs.existsSync(source), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
  });

  it('sets the environment the benches measure the commands with', () => {
    const set = instructions
      .filter((line) => line.startsWith('ENV '))
      .flatMap((line) => line.slice('ENV '.length).trim().split(/\s+/));
    expect(set).toEqual(Object.entries(IMAGE_ENV).map(([name, value]) => `${name}=${value}`));
  });

  it('holds the compiled entry point every pod runs, and no TypeScript to run by mistake', () => {
    const ctx = pipelineContext(parseRecallPipeline({ metadata: { name: 'p', namespace: 'n' }, spec: {} }));
    expect(pipelineContainer(ctx, 'produce').command).toEqual(['node', ...JOB_NODE_FLAGS, IMAGE_RECALL_ENTRYPOINT]);
    // Bundled from bin/recall.ts into dist/ by the build stage.
    const { scripts } = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.build).toMatch(
      new RegExp(`esbuild bin/recall\\.ts .*--outdir=${IMAGE_RECALL_ENTRYPOINT.split('/')[0]}`),
    );
    expect(instructions).toContain('RUN npm run build');
    expect(instructions).toContain('COPY --from=build /app/dist dist');
    expect(
      instructions.filter((line) => /^COPY --from=build \/app\/(src|charts|operator|node_modules) /.test(line)),
    ).toEqual([]);
    expect(instructions.at(-1)).toBe(`CMD ["node", "${IMAGE_RECALL_ENTRYPOINT}", "help"]`);
  });

  it('holds the kubectl plugin, bundled beside the command under the name its entry has', () => {
    const { scripts, bin } = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
      bin: Record<string, string>;
    };
    const entry = bin['kubectl-recall']!;
    expect(fs.existsSync(entry)).toBe(true);
    expect(scripts.build).toContain(` ${entry} `);
    // Entries named by their file alone, not their folder: dist/recall.js and dist/kubectl-recall.js.
    expect(scripts.build).toContain('--entry-names=[name]');
    expect(IMAGE_KUBECTL_RECALL_ENTRYPOINT).toBe(`dist/${entry.split('/').at(-1)!.replace(/\.ts$/, '.js')}`);
    expect(instructions).toContain(`COPY ${entry.split('/')[0]} ${entry.split('/')[0]}`);
  });

  it('runs as the user the pods’ security context names, and is the image the manifests name', () => {
    expect(instructions.at(-2)).toBe(`USER ${PIPELINE_IMAGE_USER.user}:${PIPELINE_IMAGE_USER.group}`);
    const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(DEFAULT_PIPELINE_IMAGE.endsWith(`:${version}`)).toBe(true);
    expect(dockerfile).toContain(`docker build -t ${DEFAULT_PIPELINE_IMAGE} .`);
  });
});
