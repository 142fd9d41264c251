/**
 * The Debian image every image of the cluster tier starts FROM, made without a registry:
 * debootstrap fetches a minimal bookworm from the Debian archive apt already uses, and
 * `docker import` turns that root file system into an image.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { EnvContext } from '../component.ts';
import { onPath, run, runPiped } from '../process.ts';
import { docker, imageId, imageLabel, removeReplaced } from './docker-cli.ts';
import { INPUTS_LABEL } from './image-build.ts';

export const DEBIAN_BASE_IMAGE = 'recall.local/debian:bookworm';

const SUITE = 'bookworm';
/** Updates and security fixes too, as the official debian images carry. */
const SOURCES = (mirror: string, security: string): string =>
  [
    `deb ${mirror} ${SUITE} main`,
    `deb ${mirror} ${SUITE}-updates main`,
    `deb ${security} ${SUITE}-security main`,
    '',
  ].join('\n');

/** The archive apt uses on this machine, so debootstrap goes where apt-get already goes. */
function aptMirrors(): { mirror: string; security: string } {
  const texts = ['/etc/apt/sources.list', ...listDir('/etc/apt/sources.list.d')]
    .filter((file) => fs.existsSync(file))
    .map((file) => fs.readFileSync(file, 'utf8'));
  const urls = texts.flatMap((text) => [...text.matchAll(/(?:URIs:\s*|^deb\s+(?:\[[^\]]*\]\s+)?)(https?:\/\/\S+)/gm)]);
  const all = urls.map((match) => match[1]!.replace(/\/$/, ''));
  const mirror = all.find((url) => !url.includes('security')) ?? 'http://deb.debian.org/debian';
  const security = all.find((url) => url.includes('security')) ?? `${mirror}-security`;
  return { mirror, security };
}

function listDir(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => path.join(dir, name)) : [];
}

export async function buildDebianBase(ctx: EnvContext): Promise<boolean> {
  const { mirror, security } = aptMirrors();
  const inputs = createHash('sha256')
    .update(JSON.stringify({ suite: SUITE, variant: 'minbase', sources: SOURCES(mirror, security) }))
    .digest('hex')
    .slice(0, 32);
  if ((await imageLabel(DEBIAN_BASE_IMAGE, INPUTS_LABEL)) === inputs) return false;
  if (!onPath('debootstrap')) {
    throw new Error('images: debootstrap is needed to make the Debian base image: apt-get install debootstrap');
  }
  const previous = await imageId(DEBIAN_BASE_IMAGE);
  const rootfs = path.join(ctx.cacheDir, 'images', 'debian-rootfs');
  const logFile = `${rootfs}.log`;
  fs.rmSync(rootfs, { recursive: true, force: true });
  fs.rmSync(logFile, { force: true });
  fs.mkdirSync(path.dirname(rootfs), { recursive: true });
  const started = Date.now();
  ctx.log(`images: debootstrap ${SUITE} from ${mirror} (log: ${logFile})`);
  await run('debootstrap', ['--variant=minbase', SUITE, rootfs, mirror], { logFile });
  fs.writeFileSync(path.join(rootfs, 'etc/apt/sources.list'), SOURCES(mirror, security));
  // What an image needs no copy of: downloaded packages, package lists, logs.
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists', 'var/log']) {
    for (const entry of listDir(path.join(rootfs, dir))) {
      if (fs.statSync(entry).isFile()) fs.rmSync(entry);
    }
  }
  await importRootfs(rootfs, [`LABEL ${INPUTS_LABEL}=${inputs}`, 'CMD ["bash"]'], logFile);
  fs.rmSync(rootfs, { recursive: true, force: true });
  await removeReplaced(previous, DEBIAN_BASE_IMAGE);
  ctx.log(`images: built ${DEBIAN_BASE_IMAGE} in ${Math.round((Date.now() - started) / 1000)} s`);
  return true;
}

/** `tar -c rootfs | docker import --change ... - IMAGE`, streamed. */
async function importRootfs(rootfs: string, changes: readonly string[], logFile: string): Promise<void> {
  await runPiped(
    ['tar', ['--numeric-owner', '-C', rootfs, '-c', '.']],
    [docker(), ['import', ...changes.flatMap((change) => ['--change', change]), '-', DEBIAN_BASE_IMAGE]],
    logFile,
  );
}
