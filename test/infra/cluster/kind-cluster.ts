/**
 * The real cluster of the end-to-end tests: kind, from kind-config.yaml (two nodes), with the
 * operator installed as users install it. Where the kind node image can be pulled (a laptop),
 * kind and the product use the published images; where no registry answers (our machines), the
 * node image and every image the product deploys are built here first (node-image.ts,
 * product-images.ts) and the node image named in kind-config.yaml is replaced by the local one.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DEFAULT_AIRFLOW_IMAGE } from '../../../contract/recall-pipeline/airflow-spec.ts';
import { DEFAULT_POSTGRES_IMAGE } from '../../../contract/recall-pipeline/postgres-spec.ts';
import { DEFAULT_LEASE_NAME } from '../../../operator/operator.ts';
import { DEFAULT_PIPELINE_IMAGE } from '../../../contract/pipeline-defaults.ts';
import { runDir, type EnvContext } from '../component.ts';
import { binDir, buildAll as buildControlPlaneBinaries } from '../kubernetes-build.ts';
import { until } from '../../until.ts';
import { readJson, run, writeJson } from '../process.ts';
import { docker, imageId, requireImageId } from './docker-cli.ts';
import { dockerEngine } from './docker.ts';
import { buildKindBinary, nodeBinDir } from './node-binaries.ts';
import { buildNodeImage } from './node-image.ts';
import { buildImage } from './image-build.ts';
import { buildProductImages, buildProjectImage, KAFKA_IMAGE, kafkaRecipe } from './product-images.ts';

export const CLUSTER_NAME = 'recall';
export const OPERATOR_NAMESPACE = 'recall-system';
export const OPERATOR_DEPLOYMENT = 'recall-operator';

export interface KindCluster {
  readonly kubeconfig: string;
}

const KIND_CONFIG = 'kind-config.yaml';
/** The Kafka test image's base where a registry answers. */
const OFFICIAL_DEBIAN_IMAGE = 'debian:bookworm-slim';

function clusterDir(ctx: EnvContext): string {
  return runDir(ctx, 'kind');
}

export function kubeconfigPath(ctx: EnvContext): string {
  return path.join(clusterDir(ctx), 'kubeconfig');
}

function kindBinary(ctx: EnvContext): string {
  return path.join(nodeBinDir(ctx), 'kind');
}

function kubectlBinary(ctx: EnvContext): string {
  return path.join(binDir(ctx), 'kubectl');
}

/** The node image kind-config.yaml names (the published kindest/node). */
function configuredNodeImage(ctx: EnvContext): string {
  const text = fs.readFileSync(path.join(ctx.root, KIND_CONFIG), 'utf8');
  const image = /^\s*image:\s*(\S+)\s*$/m.exec(text)?.[1];
  if (image === undefined) throw new Error(`${KIND_CONFIG} names no node image`);
  return image;
}

/**
 * Whether the registries that serve kind's and the product's images answer: one `docker pull` of
 * the node image kind-config.yaml names. Here it fails at once (no such host).
 */
async function registryReachable(ctx: EnvContext): Promise<boolean> {
  const image = configuredNodeImage(ctx);
  if ((await imageId(image)) !== undefined) return true;
  ctx.log(`kind: pulling ${image}`);
  return run(docker(), ['pull', image]).then(
    () => true,
    () => false,
  );
}

/** Builds (or, where a registry answers, pulls) everything the cluster needs. */
async function prepareImages(ctx: EnvContext): Promise<{ config: string; images: string[]; nodeImage: string }> {
  const dir = clusterDir(ctx);
  fs.mkdirSync(dir, { recursive: true });
  const configText = fs.readFileSync(path.join(ctx.root, KIND_CONFIG), 'utf8');
  const config = path.join(dir, KIND_CONFIG);
  if (await registryReachable(ctx)) {
    ctx.log('kind: a registry answers: the published node and product images are used');
    await buildKindBinary(ctx);
    // kubectl, of the cluster's version, drives the cluster.
    await buildControlPlaneBinaries(ctx);
    for (const image of [DEFAULT_POSTGRES_IMAGE, DEFAULT_AIRFLOW_IMAGE, OFFICIAL_DEBIAN_IMAGE]) {
      await run(docker(), ['pull', image]);
    }
    await buildImage(ctx, await kafkaRecipe(ctx, OFFICIAL_DEBIAN_IMAGE));
    await buildProjectImage(ctx);
    fs.writeFileSync(config, configText);
    return {
      config,
      images: [DEFAULT_PIPELINE_IMAGE, DEFAULT_POSTGRES_IMAGE, DEFAULT_AIRFLOW_IMAGE, KAFKA_IMAGE],
      nodeImage: configuredNodeImage(ctx),
    };
  }
  ctx.log('kind: no registry answers: building the node image and the product images here');
  const nodeImage = await buildNodeImage(ctx);
  const images = await buildProductImages(ctx);
  fs.writeFileSync(config, configText.replaceAll(configuredNodeImage(ctx), nodeImage));
  return { config, images, nodeImage };
}

export async function clusterExists(ctx: EnvContext): Promise<boolean> {
  const clusters = await run(kindBinary(ctx), ['get', 'clusters']).catch(() => '');
  return clusters.split('\n').includes(CLUSTER_NAME);
}

function kubectlRunner(ctx: EnvContext): (...args: string[]) => Promise<string> {
  return (...args) => run(kubectlBinary(ctx), ['--kubeconfig', kubeconfigPath(ctx), ...args]);
}

/** The nodes' names (kind names its node containers after them). */
async function nodeNames(ctx: EnvContext): Promise<string[]> {
  const out = await run(kindBinary(ctx), ['get', 'nodes', '--name', CLUSTER_NAME]);
  return out.split('\n').filter(Boolean);
}

async function nodesReady(ctx: EnvContext, timeoutMs: number): Promise<void> {
  await until(
    async () => {
      await kubectlRunner(ctx)('wait', '--for=condition=Ready', 'node', '--all', '--timeout=5s');
      return true;
    },
    'every node of the kind cluster to be Ready',
    { timeoutMs, intervalMs: 2000 },
  );
}

/** Creates the cluster unless it exists, loads the images and installs the operator. Harmless twice. */
export async function kindUp(ctx: EnvContext): Promise<KindCluster> {
  const step = progress(ctx);
  step('Docker engine');
  await dockerEngine.provision(ctx);
  await dockerEngine.start(ctx);
  step('images (built or checked against their inputs)');
  const { config, images, nodeImage } = await prepareImages(ctx);
  const kubectl = kubectlRunner(ctx);

  let exists = await clusterExists(ctx);
  if (exists && !(await nodesRun(ctx, nodeImage))) {
    step(`cluster "${CLUSTER_NAME}" runs an older node image: deleted`);
    await run(kindBinary(ctx), ['delete', 'cluster', '--name', CLUSTER_NAME]);
    exists = false;
  }
  if (exists) {
    step(`cluster "${CLUSTER_NAME}" exists: reused`);
    if (!(await revive(ctx))) {
      step(`cluster "${CLUSTER_NAME}" does not come back: deleted, created again`);
      await run(kindBinary(ctx), ['delete', 'cluster', '--name', CLUSTER_NAME]);
      await createCluster(ctx, config);
    }
  } else {
    step(`kind create cluster --name ${CLUSTER_NAME} --config ${config}`);
    await createCluster(ctx, config);
  }
  step('nodes Ready');
  await nodesReady(ctx, 300_000);

  step(`kind load docker-image ${images.join(' ')}`);
  const operatorImageChanged = await imageChangedSinceLastLoad(ctx, DEFAULT_PIPELINE_IMAGE);
  await loadImages(ctx, images);

  step('operator: kubectl apply --server-side -f manifests/operator/install.yaml');
  await kubectl('apply', '--server-side', '-f', path.join(ctx.root, 'manifests', 'operator', 'install.yaml'));
  if (operatorImageChanged) {
    // Same tag, new image: the running pod would keep the old one.
    step('operator image rebuilt: kubectl rollout restart');
    await kubectl('rollout', 'restart', `deployment/${OPERATOR_DEPLOYMENT}`, '--namespace', OPERATOR_NAMESPACE);
  }
  await kubectl(
    'rollout',
    'status',
    `deployment/${OPERATOR_DEPLOYMENT}`,
    '--namespace',
    OPERATOR_NAMESPACE,
    '--timeout=300s',
  );
  step('operator holds its Lease');
  await until(
    async () => (await operatorLeader(ctx)) !== undefined,
    `the operator to hold the Lease ${OPERATOR_NAMESPACE}/${DEFAULT_LEASE_NAME}`,
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
  step('ready');
  return { kubeconfig: kubeconfigPath(ctx) };
}

/**
 * Whether the local image differs from the one the last `kindUp` loaded into this cluster; the
 * ids loaded are remembered beside the kubeconfig, so they go with the cluster.
 */
async function imageChangedSinceLastLoad(ctx: EnvContext, image: string): Promise<boolean> {
  const file = path.join(clusterDir(ctx), 'loaded-images.json');
  const loaded = readJson<Record<string, string>>(file) ?? {};
  const id = await requireImageId(image);
  const changed = loaded[image] !== undefined && loaded[image] !== id;
  writeJson(file, { ...loaded, [image]: id });
  return changed;
}

/** `kind load docker-image`: kind skips the nodes that already hold the same image. */
export async function loadImages(ctx: EnvContext, images: readonly string[]): Promise<void> {
  await run(kindBinary(ctx), ['load', 'docker-image', '--name', CLUSTER_NAME, ...images], {
    logFile: path.join(clusterDir(ctx), 'kind-load.log'),
  });
}

/** Whether every node container of the cluster runs this very image (not an older build of its name). */
async function nodesRun(ctx: EnvContext, image: string): Promise<boolean> {
  const wanted = await requireImageId(image);
  for (const node of await nodeNames(ctx)) {
    const used = (await run(docker(), ['container', 'inspect', '--format', '{{.Image}}', node])).trim();
    if (used !== wanted) return false;
  }
  return true;
}

async function createCluster(ctx: EnvContext, config: string): Promise<void> {
  await run(
    kindBinary(ctx),
    [
      'create',
      'cluster',
      '--name',
      CLUSTER_NAME,
      '--config',
      config,
      '--kubeconfig',
      kubeconfigPath(ctx),
      '--wait',
      '0s',
    ],
    { logFile: path.join(clusterDir(ctx), 'kind-create.log') },
  );
}

/**
 * Brings an existing cluster back: its node containers stop with the Docker engine (a machine
 * restart, the end of a CI run). False when its nodes are not Ready within two minutes.
 */
async function revive(ctx: EnvContext): Promise<boolean> {
  try {
    for (const node of await nodeNames(ctx)) await run(docker(), ['start', node]);
    fs.writeFileSync(kubeconfigPath(ctx), await run(kindBinary(ctx), ['get', 'kubeconfig', '--name', CLUSTER_NAME]), {
      mode: 0o600,
    });
    await nodesReady(ctx, 120_000);
    return true;
  } catch (error) {
    ctx.log(`kind: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return false;
  }
}

/** The operator pod holding the Lease, when one of the running pods does. */
export async function operatorLeader(ctx: EnvContext): Promise<string | undefined> {
  const kubectl = kubectlRunner(ctx);
  const holder = (
    await kubectl(
      'get',
      'lease',
      DEFAULT_LEASE_NAME,
      '--namespace',
      OPERATOR_NAMESPACE,
      '--output',
      'jsonpath={.spec.holderIdentity}',
    ).catch(() => '')
  ).trim();
  if (holder === '') return undefined;
  const pods = (
    await kubectl(
      'get',
      'pods',
      '--namespace',
      OPERATOR_NAMESPACE,
      '--selector',
      `app.kubernetes.io/name=${OPERATOR_DEPLOYMENT}`,
      '--field-selector',
      'status.phase=Running',
      '--output',
      'jsonpath={.items[*].metadata.name}',
    )
  )
    .split(' ')
    .filter(Boolean);
  // The identity is the pod's name and a random suffix (operator/operator.ts).
  return pods.find((pod) => holder.startsWith(`${pod}-`));
}

/** Deletes the cluster and stops the Docker engine this environment started. The images stay cached. */
export async function kindDown(ctx: EnvContext): Promise<void> {
  if (fs.existsSync(kindBinary(ctx)) && (await dockerEngine.status(ctx)).running && (await clusterExists(ctx))) {
    await run(kindBinary(ctx), ['delete', 'cluster', '--name', CLUSTER_NAME]);
  }
  fs.rmSync(kubeconfigPath(ctx), { force: true });
  fs.rmSync(path.join(clusterDir(ctx), 'loaded-images.json'), { force: true });
  await dockerEngine.stop(ctx);
}

function progress(ctx: EnvContext): (what: string) => void {
  const started = Date.now();
  let count = 0;
  return (what) => {
    count += 1;
    ctx.log(`kind: [${count}] ${what} (at ${Math.round((Date.now() - started) / 1000)} s)`);
  };
}
