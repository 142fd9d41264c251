/**
 * What the end-to-end tests use to act on the kind cluster: kubectl, as users drive a cluster,
 * with the cluster's kubeconfig, and a namespace per test file deleted afterwards.
 */
import { inject } from 'vitest';

import { commandResult, type CommandResult } from '../command-result.ts';

export type { CommandResult };
import { until } from '../until.ts';

import { kubeconfigPath } from '../infra/cluster/kind-cluster.ts';
import { envContext } from '../infra/context.ts';
import { binDir } from '../infra/kubernetes-build.ts';
import path from 'node:path';

/** Fails with the reason when the global setup could not bring the cluster up. */
export function requireCluster(): void {
  const error = inject('kindUpError');
  if (error) throw new Error(`the kind cluster is not running (npm run kind:up): ${error}`);
}

export const kubeconfig = (): string => kubeconfigPath(envContext());
const kubectlPath = (): string => path.join(binDir(envContext()), 'kubectl');

/** Runs kubectl; resolves with its exit code and output whatever it exits with. */
export function kubectlResult(args: readonly string[], input?: string): Promise<CommandResult> {
  return commandResult(kubectlPath(), ['--kubeconfig', kubeconfig(), ...args], input === undefined ? {} : { input });
}

/** Runs kubectl and returns its stdout; throws with the command and its stderr when it fails. */
export async function kubectl(...args: string[]): Promise<string> {
  const result = await kubectlResult(args);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

export async function kubectlJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await kubectl(...args, '--output', 'json')) as T;
}

/** `kubectl apply --server-side -f -` of the objects, as a user applies a file. */
export async function apply(objects: readonly object[]): Promise<void> {
  const input = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
  const result = await kubectlResult(['apply', '--server-side', '--field-manager=recall-e2e', '-f', '-'], input);
  if (result.code !== 0) throw new Error(`kubectl apply exited ${result.code}: ${result.stderr.trim()}`);
}

/** Polls every second until `check` returns a value; see test/until.ts. */
export function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 120_000,
): Promise<T> {
  return until(check, what, { timeoutMs, intervalMs: 1000 });
}

/**
 * A namespace for one test file, named after its tier and purpose (the benchmarks use the cluster
 * too, and their leftovers should say so); `remove` deletes it without waiting.
 */
export async function createNamespace(
  purpose: string,
  tier = 'e2e',
): Promise<{ name: string; remove: () => Promise<void> }> {
  const name = `${tier}-${purpose}-${Date.now().toString(36)}`;
  await apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }]);
  return {
    name,
    remove: async () => {
      await kubectl('delete', 'namespace', name, '--wait=false', '--ignore-not-found');
    },
  };
}
