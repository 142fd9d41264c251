/**
 * Builds a container image from a folder of ours (a Dockerfile and its files) plus files assembled
 * at build time (binaries, jars, the machine's CA bundle), and skips the build when an image of
 * that name already carries the same inputs.
 *
 * The inputs are hashed into a label on the image: the folder's files, the extra files, the build
 * arguments and the ids of the images it is built FROM. Docker's own layer cache cannot see that a
 * base image was rebuilt under the same name, or that a file outside the context changed; the hash
 * can. Images live in Docker's storage, outside the clone, so a fresh clone on the same machine
 * reuses them.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { EnvContext } from '../component.ts';
import { run } from '../process.ts';
import { docker, imageId, imageLabel, removeReplaced, requireImageId } from './docker-cli.ts';

export const INPUTS_LABEL = 'io.rappelconso.recall-pipeline.inputs';

/** Our image folders: test/infra/cluster/images/<name>/. */
export const imagesSourceDir = path.join(import.meta.dirname, 'images');

export interface ImageRecipe {
  /** The first tag is the one checked; the others are added to the same image. */
  readonly tags: readonly string[];
  /**
   * Folder under test/infra/cluster/images holding the Dockerfile and its files; with `dockerfile`,
   * only the name of the build context.
   */
  readonly folder: string;
  /** A Dockerfile written by the caller, for images too simple for a folder (one static binary). */
  readonly dockerfile?: string;
  /** Files put into the build context beside the folder's own: context-relative name → source path. */
  readonly extraFiles?: () => Record<string, string>;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Images the Dockerfile starts FROM, which must exist (and be current) before this one builds. */
  readonly bases?: readonly string[];
}

/** Builds the image unless one with the same inputs exists; returns true when it built. */
export async function buildImage(ctx: EnvContext, recipe: ImageRecipe): Promise<boolean> {
  const [primary] = recipe.tags;
  if (primary === undefined) throw new Error(`image recipe ${recipe.folder} has no tag`);
  const extra = recipe.extraFiles?.() ?? {};
  const inputs = await inputsHash(recipe, extra);
  if ((await imageLabel(primary, INPUTS_LABEL)) === inputs) {
    await tagAll(recipe.tags);
    return false;
  }
  const context = path.join(ctx.cacheDir, 'images', recipe.folder);
  fs.rmSync(context, { recursive: true, force: true });
  if (recipe.dockerfile === undefined) {
    fs.cpSync(path.join(imagesSourceDir, recipe.folder), context, { recursive: true });
  } else {
    fs.mkdirSync(context, { recursive: true });
    fs.writeFileSync(path.join(context, 'Dockerfile'), recipe.dockerfile);
  }
  for (const [name, source] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(context, name)), { recursive: true });
    fs.cpSync(source, path.join(context, name), { recursive: true, dereference: true });
  }
  const previous = await imageId(primary);
  const logFile = `${context}.build.log`;
  fs.rmSync(logFile, { force: true });
  const started = Date.now();
  ctx.log(`images: building ${primary} (log: ${logFile})`);
  await run(
    docker(),
    [
      'build',
      '--label',
      `${INPUTS_LABEL}=${inputs}`,
      ...recipe.tags.flatMap((tag) => ['--tag', tag]),
      ...Object.entries(recipe.buildArgs ?? {}).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
      context,
    ],
    // The legacy builder is what Debian's docker 20.10 has, and a BuildKit-less client needs it.
    { logFile, env: { ...process.env, DOCKER_BUILDKIT: '0' } },
  );
  ctx.log(`images: built ${primary} in ${Math.round((Date.now() - started) / 1000)} s`);
  fs.rmSync(context, { recursive: true, force: true });
  await removeReplaced(previous, primary);
  return true;
}

async function tagAll(tags: readonly string[]): Promise<void> {
  const [primary, ...others] = tags;
  for (const tag of others) await run(docker(), ['tag', primary!, tag]);
}

async function inputsHash(recipe: ImageRecipe, extra: Record<string, string>): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ tags: recipe.tags, args: recipe.buildArgs ?? {}, dockerfile: recipe.dockerfile }));
  if (recipe.dockerfile === undefined) {
    for (const file of listFiles(path.join(imagesSourceDir, recipe.folder))) {
      hash.update(`folder:${file.relative}\0`);
      hash.update(fs.readFileSync(file.absolute));
    }
  }
  for (const [name, source] of Object.entries(extra).sort(([a], [b]) => a.localeCompare(b))) {
    for (const file of listFiles(source)) {
      hash.update(`extra:${name}/${file.relative}\0`);
      await hashFile(hash, file.absolute);
    }
  }
  for (const base of recipe.bases ?? []) {
    const id = await requireImageId(base, `${recipe.tags[0]} is built FROM it`);
    hash.update(`base:${base}=${id}\0`);
  }
  return hash.digest('hex').slice(0, 32);
}

/** Every file under a path (or the path itself), sorted, with paths relative to it. */
export function listFiles(root: string): { relative: string; absolute: string }[] {
  const stat = fs.statSync(root);
  if (!stat.isDirectory()) return [{ relative: '', absolute: root }];
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((relative) => ({ relative, absolute: path.join(root, relative) }))
    .filter((file) => fs.statSync(file.absolute).isFile());
}

async function hashFile(hash: ReturnType<typeof createHash>, file: string): Promise<void> {
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
}
