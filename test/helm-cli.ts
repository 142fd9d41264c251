/**
 * The Helm the tests run: built from its Go module beside kubectl (test/infra/kubernetes-build.ts),
 * with its cache, config and data kept under .cache/ rather than the user's home, and the chart
 * that `npm run synth` writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHART_NAME } from '../charts/helm/helm-values.ts';
import { commandResult, type CommandResult } from './command-result.ts';
import { envContext } from './infra/context.ts';
import { binDir } from './infra/kubernetes-build.ts';

export const chartDir = (): string => path.join(envContext().root, 'manifests', 'helm', CHART_NAME);

function helmEnv(kubeconfig: string | undefined): NodeJS.ProcessEnv {
  const home = path.join(envContext().cacheDir, 'helm-home');
  fs.mkdirSync(home, { recursive: true });
  return {
    ...process.env,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
    ...(kubeconfig === undefined ? {} : { KUBECONFIG: kubeconfig }),
  };
}

/** Runs helm; resolves with its exit code and output whatever it exits with. */
export function helmResult(args: readonly string[], options: { kubeconfig?: string } = {}): Promise<CommandResult> {
  const helm = path.join(binDir(envContext()), 'helm');
  if (!fs.existsSync(helm)) {
    return Promise.reject(new Error(`${helm} is missing: npm run env:up builds it with the control plane`));
  }
  return commandResult(helm, args, { env: helmEnv(options.kubeconfig) });
}

/** Runs helm and returns its stdout; throws with the command and its stderr when it fails. */
export async function helm(args: readonly string[], options: { kubeconfig?: string } = {}): Promise<string> {
  const result = await helmResult(args, options);
  if (result.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}
