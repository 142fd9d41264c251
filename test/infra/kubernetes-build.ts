/**
 * Builds the Kubernetes control-plane binaries (kube-apiserver, kube-controller-manager, kubectl)
 * and etcd from their Go modules, and Helm beside them, so the local environment needs neither Docker nor release
 * downloads: the Go module proxy is enough.
 *
 * Each binary records the version it was built from in `build.json`, so bumping one version in
 * contract/versions.ts rebuilds only that binary.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { versions } from '../../contract/versions.ts';
import { artifactsDir, type EnvContext } from './component.ts';
import { onPath, readJson, run, writeJson } from './process.ts';

export const kubeCommands = ['kube-apiserver', 'kube-controller-manager', 'kubectl'] as const;

/** Where provision() puts the binaries. */
export function binDir(ctx: EnvContext): string {
  return path.join(artifactsDir(ctx, 'kubernetes', versions.kubernetes), 'bin');
}

/** What build.json remembers per binary: the version built and how long it took. */
interface BuildRecord {
  version: string;
  seconds?: number;
}
type BuildManifest = Record<string, BuildRecord>;

/** Binaries built by one go invocation (or one compiler run) from one version. */
export interface BuildStep {
  names: readonly string[];
  version: string;
  build: (b: Builder) => Promise<void>;
}

const steps: readonly BuildStep[] = [
  { names: kubeCommands, version: versions.kubernetes, build: kubernetesCommands(kubeCommands) },
  { names: ['etcd'], version: versions.etcd, build: buildEtcd },
  // Beside kubectl: the operator's Helm chart is linted and rendered against this control plane.
  {
    names: ['helm'],
    version: versions.helm,
    // As Helm's Makefile stamps a release: `helm version` and plugins' version checks read it.
    build: goInstall('helm.sh/helm/v4/cmd/helm', versions.helm, [
      `-X helm.sh/helm/v4/internal/version.version=v${versions.helm}`,
    ]),
  },
];

export async function buildAll(ctx: EnvContext): Promise<void> {
  await buildBinaries(ctx, 'kubernetes', artifactsDir(ctx, 'kubernetes', versions.kubernetes), steps);
}

/**
 * Builds into `<dir>/bin` the binaries of every step that is missing or was built from another
 * version; `label` prefixes the progress lines.
 */
export async function buildBinaries(
  ctx: EnvContext,
  label: string,
  dir: string,
  wanted: readonly BuildStep[],
): Promise<void> {
  if (pendingSteps(dir, wanted).length === 0) return;
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const release = await buildLock(ctx, label, dir);
  try {
    // Asked again under the lock: whoever held it before may have built the same binaries.
    await buildSteps(ctx, label, dir, pendingSteps(dir, wanted));
  } finally {
    release();
  }
}

const manifestFile = (dir: string): string => path.join(dir, 'build.json');

/** The steps whose binaries are missing or were built from another version. */
function pendingSteps(dir: string, wanted: readonly BuildStep[]): BuildStep[] {
  const manifest = readJson<BuildManifest>(manifestFile(dir)) ?? {};
  const upToDate = (name: string, version: string): boolean =>
    manifest[name]?.version === version && fs.existsSync(path.join(dir, 'bin', name));
  return wanted.filter((step) => !step.names.every((name) => upToDate(name, step.version)));
}

async function buildSteps(ctx: EnvContext, label: string, dir: string, pending: readonly BuildStep[]): Promise<void> {
  if (pending.length === 0) return;
  const manifest = readJson<BuildManifest>(manifestFile(dir)) ?? {};
  const builder = new Builder(ctx, label, dir);
  for (const [index, step] of pending.entries()) {
    const started = Date.now();
    const progress = `[${index + 1}/${pending.length}]`;
    ctx.log(`${label}: ${progress} building ${step.names.join(', ')} ${step.version} (log: ${builder.logFile})`);
    await step.build(builder);
    const seconds = Math.round((Date.now() - started) / 1000);
    ctx.log(`${label}: ${progress} built ${step.names.join(', ')} in ${seconds} s`);
    for (const name of step.names) manifest[name] = { version: step.version, seconds };
    writeJson(manifestFile(dir), manifest);
  }
}

/**
 * `env:up` and vitest's globalSetup may provision at the same time; the second waits for the
 * first instead of compiling over its wrapper modules. A lock whose owner died is taken over.
 */
async function buildLock(ctx: EnvContext, label: string, dir: string): Promise<() => void> {
  const lock = path.join(dir, 'build.lock');
  let waiting = false;
  for (;;) {
    try {
      fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      return () => fs.rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(fs.readFileSync(lock, 'utf8'), 10);
    if (!processAlive(owner)) {
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (!waiting) ctx.log(`${label}: waiting for the build running in process ${owner}`);
    waiting = true;
    await sleep(1000);
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs the go tool with a fixed environment and everything logged to one build log. */
export class Builder {
  readonly logFile: string;
  readonly bin: string;
  readonly #ctx: EnvContext;
  readonly #label: string;
  readonly #dir: string;
  readonly #go: string;

  constructor(ctx: EnvContext, label: string, dir: string) {
    this.#ctx = ctx;
    this.#label = label;
    this.#dir = dir;
    this.bin = path.join(dir, 'bin');
    this.logFile = path.join(dir, 'build.log');
    this.#go = goTool();
  }

  /** A fresh wrapper module directory under `src/`. */
  moduleDir(name: string): string {
    const dir = path.join(this.#dir, 'src', name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  async go(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
    fs.appendFileSync(this.logFile, `\n$ (cd ${cwd} && go ${args.join(' ')})\n`);
    this.#ctx.log(`${this.#label}: go ${args.slice(0, 2).join(' ')} ...`);
    return run(this.#go, args, {
      cwd,
      logFile: this.logFile,
      // Static binaries: no C toolchain needed and no glibc coupling.
      env: { ...process.env, CGO_ENABLED: '0', ...env },
    });
  }

  /** Any other build command, logged to the same build log. */
  async exec(command: string, args: readonly string[], cwd: string): Promise<string> {
    fs.appendFileSync(this.logFile, `\n$ (cd ${cwd} && ${command} ${args.join(' ')})\n`);
    this.#ctx.log(`${this.#label}: ${command} ...`);
    return run(command, args, { cwd, logFile: this.logFile });
  }
}

export function goTool(): string {
  if (process.env.GO) return process.env.GO;
  if (onPath('go')) return 'go';
  if (fs.existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  throw new Error(
    'kubernetes: the Go toolchain is needed to build the control plane; install Go or set GO=/path/to/go',
  );
}

interface ModuleInfo {
  GoMod: string;
  Info: string;
  /** The module's unpacked source. */
  Dir: string;
}

export async function downloadModule(b: Builder, cwd: string, module: string): Promise<ModuleInfo> {
  return JSON.parse(await b.go(cwd, ['mod', 'download', '-json', module])) as ModuleInfo;
}

/**
 * k8s.io/kubernetes is not meant to be a dependency: its go.mod requires the staging modules
 * (k8s.io/api, k8s.io/client-go, ...) at v0.0.0 and points them at ./staging with replace
 * directives, which are ignored for a dependency. A wrapper module supplies the published
 * v0.<minor>.<patch> tags of those modules instead.
 */
export function kubernetesCommands(commands: readonly string[]): (b: Builder) => Promise<void> {
  return (b) => buildKubernetes(b, commands);
}

async function buildKubernetes(b: Builder, commands: readonly string[]): Promise<void> {
  const dir = b.moduleDir(`kubernetes-${commands[0]}`);
  const release = `v${versions.kubernetes}`;
  const stagingVersion = `v0.${versions.kubernetes.split('.').slice(1).join('.')}`;
  const upstream = await downloadModule(b, dir, `k8s.io/kubernetes@${release}`);
  const upstreamMod = fs.readFileSync(upstream.GoMod, 'utf8');
  const staging = [...upstreamMod.matchAll(/^\s*(k8s\.io\/[\w.\-/]+) v0\.0\.0(?=\s)/gm)].map((m) => m[1]);
  if (staging.length === 0) throw new Error(`no v0.0.0 staging modules found in ${upstream.GoMod}`);
  const goDirective = /^go (\S+)$/m.exec(upstreamMod)?.[1] ?? `${versions.goMinimum}.0`;
  // Keep upstream's GODEBUG defaults so the binaries behave like the released ones.
  const godebug = /^godebug .*$/m.exec(upstreamMod)?.[0] ?? '';

  fs.writeFileSync(
    path.join(dir, 'go.mod'),
    [
      'module recall.local/kubernetes-build',
      '',
      `go ${goDirective}`,
      '',
      godebug,
      '',
      `require k8s.io/kubernetes ${release}`,
      '',
      'replace (',
      ...staging.map((module) => `\t${module} => ${module} ${stagingVersion}`),
      ')',
      '',
    ].join('\n'),
  );
  // A main package cannot be imported, but the tools build tag keeps this file out of builds
  // while `go mod tidy` still records every module the commands need.
  fs.writeFileSync(
    path.join(dir, 'tools.go'),
    [
      '//go:build tools',
      '',
      'package tools',
      '',
      'import (',
      ...commands.map((name) => `\t_ "k8s.io/kubernetes/cmd/${name}"`),
      ')',
      '',
    ].join('\n'),
  );
  await b.go(dir, ['mod', 'tidy']);

  const [major, minor] = versions.kubernetes.split('.');
  const buildDate = (readJson<{ Time?: string }>(upstream.Info)?.Time ?? new Date().toISOString()).replace(
    /\.\d+Z$/,
    'Z',
  );
  const stamp = { gitVersion: release, gitMajor: major, gitMinor: minor, gitTreeState: 'clean', buildDate };
  const ldflags = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    for (const [key, value] of Object.entries(stamp)) ldflags.push(`-X ${pkg}.${key}=${value}`);
  }
  // One invocation for all the commands so shared packages are compiled once.
  await b.go(dir, [
    'build',
    '-trimpath',
    '-ldflags',
    ldflags.join(' '),
    '-o',
    `${b.bin}/`,
    ...commands.map((name) => `k8s.io/kubernetes/cmd/${name}`),
  ]);
}

/** etcd's own main package lives in a module with local replaces, so a wrapper calls etcdmain.Main. */
async function buildEtcd(b: Builder): Promise<void> {
  const dir = b.moduleDir('etcd');
  fs.writeFileSync(
    path.join(dir, 'go.mod'),
    [
      'module recall.local/etcd-build',
      '',
      `go ${versions.goMinimum}.0`,
      '',
      `require go.etcd.io/etcd/server/v3 v${versions.etcd}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'main.go'),
    [
      'package main',
      '',
      'import (',
      '\t"os"',
      '',
      '\t"go.etcd.io/etcd/server/v3/etcdmain"',
      ')',
      '',
      'func main() { etcdmain.Main(os.Args) }',
      '',
    ].join('\n'),
  );
  await b.go(dir, ['mod', 'tidy']);
  await b.go(dir, ['build', '-trimpath', '-ldflags', '-s -w', '-o', path.join(b.bin, 'etcd'), '.']);
}

/** `go install module/path@version` into the bin folder: for modules that build as they are published. */
export function goInstall(
  packagePath: string,
  version: string,
  ldflags: readonly string[] = [],
): (b: Builder) => Promise<void> {
  return async (b) => {
    // Outside any module, so that `go install pkg@version` uses that module's own requirements.
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-go-install-'));
    try {
      const flags = ['-s', '-w', ...ldflags].join(' ');
      await b.go(cwd, ['install', '-trimpath', '-ldflags', flags, `${packagePath}@v${version}`], { GOBIN: b.bin });
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  };
}
