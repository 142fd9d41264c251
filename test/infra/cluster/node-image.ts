/**
 * The kind node image for Kubernetes `versions.kubernetes`, built here for machines that reach no
 * container registry: a node base (test/infra/cluster/images/kind-node) with kubelet, kubeadm,
 * kubectl and crictl, and, preloaded into its containerd, every image that `kind create cluster`
 * would otherwise pull: the control plane's, etcd, CoreDNS, pause, kube-proxy, the pod network
 * agent and the local-path provisioner, under the names kubeadm asks for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';

import { versions } from '../../../contract/versions.ts';
import type { EnvContext } from '../component.ts';
import { binDir, buildAll as buildControlPlaneBinaries, goTool } from '../kubernetes-build.ts';
import { until } from '../../until.ts';
import { run, runPiped } from '../process.ts';
import { buildDebianBase, DEBIAN_BASE_IMAGE } from './debian-base.ts';
import { docker, imageId, imageLabel, removeReplaced, requireImageId } from './docker-cli.ts';
import { buildImage, INPUTS_LABEL, type ImageRecipe } from './image-build.ts';
import { buildNodeBinaries, nodeBinDir } from './node-binaries.ts';

export const NODE_IMAGE = `recall.local/kind-node:v${versions.kubernetes}`;
const NODE_BASE_IMAGE = `recall.local/kind-node-base:v${versions.kubernetes}`;
/** Named in the node image's own manifests (images/kind-node/files/kind/manifests). */
const CNI_AGENT_IMAGE = 'recall.local/cni-agent:1';
const LOCAL_PATH_PROVISIONER_IMAGE = 'recall.local/local-path-provisioner:1';

/** A scratch image holding one static binary, started as its entrypoint. */
function staticBinaryImage(tag: string, binary: string, source: string): ImageRecipe {
  return {
    tags: [tag],
    folder: `static-${binary}`,
    dockerfile: [
      'FROM scratch',
      `COPY ${binary} /usr/local/bin/${binary}`,
      'ENV PATH=/usr/local/bin',
      `ENTRYPOINT ["/usr/local/bin/${binary}"]`,
      '',
    ].join('\n'),
    extraFiles: () => ({ [binary]: source }),
  };
}

/** The images kubeadm pulls for this Kubernetes version, by short name (kube-apiserver, etcd, pause, ...). */
async function kubeadmImages(nodeBin: string): Promise<Map<string, string>> {
  const kubeadm = path.join(nodeBin, 'kubeadm');
  const listed = await run(kubeadm, ['config', 'images', 'list', '--kubernetes-version', `v${versions.kubernetes}`]);
  const images = new Map<string, string>();
  for (const image of listed.split('\n').filter(Boolean)) {
    const short = image.slice(image.lastIndexOf('/') + 1).split(':')[0]!;
    images.set(short, image);
  }
  return images;
}

/** The folder of kind's node base files (entrypoint, systemd units, containerd config) in its Go module. */
async function kindBaseFiles(ctx: EnvContext): Promise<string> {
  const info = JSON.parse(
    await run(goTool(), ['mod', 'download', '-json', `sigs.k8s.io/kind@v${versions.kind}`], { cwd: ctx.cacheDir }),
  ) as { Dir: string };
  return path.join(info.Dir, 'images', 'base', 'files');
}

/** Builds whatever is missing or stale; returns the node image's name. */
export async function buildNodeImage(ctx: EnvContext): Promise<string> {
  fs.mkdirSync(ctx.cacheDir, { recursive: true });
  await buildDebianBase(ctx);
  await buildControlPlaneBinaries(ctx);
  await buildNodeBinaries(ctx);
  const nodeBin = nodeBinDir(ctx);
  const controlPlaneBin = binDir(ctx);
  const wanted = await kubeadmImages(nodeBin);
  const named = (short: string): string => {
    const image = wanted.get(short);
    if (image === undefined) throw new Error(`kind node image: kubeadm ${versions.kubernetes} lists no ${short} image`);
    return image;
  };
  const coredns = named('coredns');
  if (!coredns.endsWith(`:v${versions.coredns}`)) {
    throw new Error(
      `kind node image: kubeadm deploys ${coredns}, but contract/versions.ts pins CoreDNS ${versions.coredns}`,
    );
  }

  const components: ImageRecipe[] = [
    staticBinaryImage(named('kube-apiserver'), 'kube-apiserver', path.join(controlPlaneBin, 'kube-apiserver')),
    staticBinaryImage(
      named('kube-controller-manager'),
      'kube-controller-manager',
      path.join(controlPlaneBin, 'kube-controller-manager'),
    ),
    staticBinaryImage(named('kube-scheduler'), 'kube-scheduler', path.join(nodeBin, 'kube-scheduler')),
    // kubeadm names the etcd release it was tested with; ours is versions.etcd, the same minor.
    staticBinaryImage(named('etcd'), 'etcd', path.join(controlPlaneBin, 'etcd')),
    staticBinaryImage(coredns, 'coredns', path.join(nodeBin, 'coredns')),
    staticBinaryImage(named('pause'), 'pause', path.join(nodeBin, 'pause')),
    staticBinaryImage(
      LOCAL_PATH_PROVISIONER_IMAGE,
      'local-path-provisioner',
      path.join(nodeBin, 'local-path-provisioner'),
    ),
    {
      tags: [named('kube-proxy')],
      folder: 'kube-proxy',
      extraFiles: () => ({ 'kube-proxy': path.join(nodeBin, 'kube-proxy') }),
      bases: [DEBIAN_BASE_IMAGE],
    },
    { tags: [CNI_AGENT_IMAGE], folder: 'cni-agent', bases: [DEBIAN_BASE_IMAGE] },
  ];
  for (const recipe of components) await buildImage(ctx, recipe);

  const baseFiles = await kindBaseFiles(ctx);
  await buildImage(ctx, {
    tags: [NODE_BASE_IMAGE],
    folder: 'kind-node',
    bases: [DEBIAN_BASE_IMAGE],
    buildArgs: { PAUSE_IMAGE: named('pause') },
    extraFiles: () => ({
      'kind-files/usr': path.join(baseFiles, 'usr'),
      'kind-files/etc': path.join(baseFiles, 'etc'),
      'kind-files/kind': path.join(baseFiles, 'kind'),
      'bin/kubelet': path.join(nodeBin, 'kubelet'),
      'bin/kubeadm': path.join(nodeBin, 'kubeadm'),
      'bin/crictl': path.join(nodeBin, 'crictl'),
      'bin/kubectl': path.join(controlPlaneBin, 'kubectl'),
    }),
  });

  const preloaded = [...components.flatMap((recipe) => recipe.tags), DEBIAN_BASE_IMAGE];
  await preload(ctx, preloaded);
  return NODE_IMAGE;
}

/**
 * Imports the images into the node base's containerd and commits the result as the node image.
 * Skipped when the node image was made from the same node base and the same images.
 */
async function preload(ctx: EnvContext, images: readonly string[]): Promise<void> {
  const hash = createHash('sha256');
  hash.update(`${NODE_BASE_IMAGE}=${await requireImageId(NODE_BASE_IMAGE)}\0`);
  for (const image of images) hash.update(`${image}=${await requireImageId(image)}\0`);
  const inputs = hash.digest('hex').slice(0, 32);
  if ((await imageLabel(NODE_IMAGE, INPUTS_LABEL)) === inputs) return;

  const logFile = path.join(ctx.cacheDir, 'images', 'kind-node-preload.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.rmSync(logFile, { force: true });
  const started = Date.now();
  ctx.log(`images: preloading ${images.length} images into ${NODE_IMAGE} (log: ${logFile})`);
  const previous = await imageId(NODE_IMAGE);
  const container = `recall-kind-node-build-${process.pid}`;
  await run(docker(), ['rm', '--force', container]).catch(() => '');
  await run(
    docker(),
    ['run', '--detach', '--privileged', '--name', container, '--entrypoint', 'sleep', NODE_BASE_IMAGE, 'infinity'],
    {
      logFile,
    },
  );
  try {
    const exec = (...args: string[]): Promise<string> => run(docker(), ['exec', container, ...args], { logFile });
    await exec('sh', '-c', 'containerd > /var/log/containerd-preload.log 2>&1 &');
    await until(() => exec('ctr', 'version').then(() => true), 'containerd in the node image build container', {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    await pipeSaveToImport(container, images, logFile);
    // Pinned, so that the kubelet's image garbage collection never removes what cannot be pulled again.
    for (const image of images) {
      await exec('ctr', '--namespace', 'k8s.io', 'images', 'label', image, 'io.cri-containerd.pinned=pinned');
    }
    await exec('sh', '-c', `printf v${versions.kubernetes} > /kind/version`);
    await exec(
      'sh',
      '-c',
      'kill $(pidof containerd); while pidof containerd >/dev/null; do sleep 0.2; done; rm -f /var/log/containerd-preload.log',
    );
    await run(
      docker(),
      [
        'commit',
        '--change',
        'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
        '--change',
        'CMD []',
        '--change',
        `LABEL ${INPUTS_LABEL}=${inputs}`,
        container,
        NODE_IMAGE,
      ],
      { logFile },
    );
  } finally {
    await run(docker(), ['rm', '--force', container]).catch(() => '');
  }
  await removeReplaced(previous, NODE_IMAGE);
  ctx.log(`images: built ${NODE_IMAGE} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** `docker save IMAGES | docker exec -i NODE ctr -n k8s.io images import ...`, streamed. */
async function pipeSaveToImport(container: string, images: readonly string[], logFile: string): Promise<void> {
  await runPiped(
    [docker(), ['save', ...images]],
    [
      docker(),
      [
        'exec',
        '-i',
        container,
        'ctr',
        '--namespace',
        'k8s.io',
        'images',
        'import',
        '--all-platforms',
        '--no-unpack',
        '--digests',
        '-',
      ],
    ],
    logFile,
  );
}
