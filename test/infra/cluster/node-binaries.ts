/**
 * What a kind cluster needs beyond the local control plane's binaries, built from Go modules (and
 * one C file of the Kubernetes module) so that no release download or registry is involved:
 * kind itself; kubelet, kubeadm, kube-scheduler and kube-proxy; crictl; CoreDNS; the local-path
 * provisioner; the pause program of pod sandboxes. kubectl and etcd come from the control plane's
 * build (test/infra/kubernetes-build.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { versions } from '../../../contract/versions.ts';
import { artifactsDir, type EnvContext } from '../component.ts';
import {
  buildBinaries,
  downloadModule,
  goInstall,
  kubernetesCommands,
  type Builder,
  type BuildStep,
} from '../kubernetes-build.ts';

export const nodeCommands = ['kubelet', 'kubeadm', 'kube-scheduler', 'kube-proxy'] as const;

export function nodeBinDir(ctx: EnvContext): string {
  return path.join(artifactsDir(ctx, 'cluster-binaries', versions.kubernetes), 'bin');
}

/**
 * The pod sandbox's pause program is C in the Kubernetes module (build/pause/linux/pause.c),
 * statically linked as upstream links it.
 */
async function buildPause(b: Builder): Promise<void> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-pause-'));
  try {
    const upstream = await downloadModule(b, cwd, `k8s.io/kubernetes@v${versions.kubernetes}`);
    const pauseC = path.join(upstream.Dir, 'build', 'pause', 'linux', 'pause.c');
    const output = path.join(b.bin, 'pause');
    await b.exec('gcc', ['-Os', '-Wall', '-static', `-DVERSION=v${versions.kubernetes}`, '-o', output, pauseC], cwd);
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

const steps: readonly BuildStep[] = [
  { names: ['kind'], version: versions.kind, build: goInstall('sigs.k8s.io/kind', versions.kind) },
  { names: nodeCommands, version: versions.kubernetes, build: kubernetesCommands(nodeCommands) },
  { names: ['pause'], version: versions.kubernetes, build: buildPause },
  {
    names: ['crictl'],
    version: versions.criTools,
    build: goInstall('sigs.k8s.io/cri-tools/cmd/crictl', versions.criTools),
  },
  { names: ['coredns'], version: versions.coredns, build: goInstall('github.com/coredns/coredns', versions.coredns) },
  {
    names: ['local-path-provisioner'],
    version: versions.localPathProvisioner,
    build: goInstall('github.com/rancher/local-path-provisioner', versions.localPathProvisioner),
  },
];

export async function buildNodeBinaries(ctx: EnvContext): Promise<void> {
  await buildBinaries(ctx, 'cluster-binaries', path.dirname(nodeBinDir(ctx)), steps);
}

/** kind alone: where the published node image is used, nothing else of the node is built. */
export async function buildKindBinary(ctx: EnvContext): Promise<void> {
  const kind = steps.filter((step) => step.names.includes('kind'));
  await buildBinaries(ctx, 'cluster-binaries', path.dirname(nodeBinDir(ctx)), kind);
}
