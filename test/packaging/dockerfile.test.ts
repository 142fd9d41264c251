/**
 * The Dockerfile held to the code, in a second: the Node.js version, the files copied, the entry
 * points the manifests run, the user the pods expect, and the tag the manifests name. The image
 * itself is built and run by the end-to-end tier (test/e2e, `npm run kind:up`).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATOR_ENTRYPOINT } from '../../charts/operator-install.ts';
import { pipelineContainer } from '../../charts/pipeline-pod.ts';
import { pipelineContext } from '../../charts/pipeline-context.ts';
import { parseRecallPipeline } from '../../charts/api/recall-pipeline.ts';
import { DEFAULT_PIPELINE_IMAGE, PIPELINE_IMAGE_USER } from '../../src/pipeline-defaults.ts';
import { versions } from '../../src/versions.ts';

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

  it('holds the entry points the manifests run', () => {
    const ctx = pipelineContext(parseRecallPipeline({ metadata: { name: 'p', namespace: 'n' }, spec: {} }));
    const [, script] = pipelineContainer(ctx, 'produce').command!;
    expect(fs.existsSync(script!)).toBe(true);
    // Compiled from src/ into dist/ by the build stage.
    expect(OPERATOR_ENTRYPOINT).toBe(`dist/${script!.replace(/\.ts$/, '.js')}`);
    expect(instructions).toContain('COPY --from=build /app/dist dist');
    expect(instructions).toContain('COPY --from=build /app/src src');
  });

  it('runs as the user the pods’ security context names, and is the image the manifests name', () => {
    expect(instructions.at(-2)).toBe(`USER ${PIPELINE_IMAGE_USER.user}:${PIPELINE_IMAGE_USER.group}`);
    const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(DEFAULT_PIPELINE_IMAGE.endsWith(`:${version}`)).toBe(true);
    expect(dockerfile).toContain(`docker build -t ${DEFAULT_PIPELINE_IMAGE} .`);
  });
});
