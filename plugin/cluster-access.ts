/**
 * The cluster as kubectl finds it: --kubeconfig, else KUBECONFIG (several files merged), else
 * ~/.kube/config, else the pod's service account (the plugin runs in our image, which has no
 * kubectl); --context, else the current one; -n, else the context's namespace, else "default".
 *
 * client-node's KubeConfig rather than the operator's leaner operator/runtime/cluster-access.ts: a command
 * that runs for seconds can pay the memory, and it brings exec, port-forward and logs over the
 * apiserver's WebSockets, and every login a kubeconfig may hold (exec plugins, OIDC...).
 */
import { ApiException, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { ClusterTarget } from './command-line.ts';
import { PluginError } from './plugin-command.ts';

export interface Cluster {
  readonly config: KubeConfig;
  /** The namespace the command acts in. */
  readonly namespace: string;
  readonly core: CoreV1Api;
  readonly customObjects: CustomObjectsApi;
}

/**
 * What the plugin uses of the WebSocket that client-node's Exec and PortForward return; its own
 * type comes from the `ws` package, whose types the project does not install.
 */
export interface OpenSocket {
  once(event: 'close', listener: () => void): unknown;
  close(): void;
}

export function connect(target: ClusterTarget): Cluster {
  const config = new KubeConfig();
  if (target.kubeconfig !== undefined) config.loadFromFile(target.kubeconfig);
  else config.loadFromDefault();
  if (target.context !== undefined) {
    if (!config.getContextObject(target.context)) {
      throw new PluginError(`context "${target.context}" not found in the kubeconfig`);
    }
    config.setCurrentContext(target.context);
  }
  const namespace = target.namespace ?? config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
  return {
    config,
    namespace,
    core: config.makeApiClient(CoreV1Api),
    customObjects: config.makeApiClient(CustomObjectsApi),
  };
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/**
 * One line for a failed call: the apiserver's own message (`pods is forbidden: User "x" cannot
 * list ...`) rather than client-node's, which spreads the body and headers over many lines.
 */
export function apiErrorMessage(error: unknown): string {
  if (!(error instanceof ApiException)) {
    // A WebSocket that fails to open rejects with an ErrorEvent, not an Error.
    const message = (error as { message?: unknown } | undefined)?.message;
    return typeof message === 'string' ? message : String(error);
  }
  const body: unknown = typeof error.body === 'string' ? parseJson(error.body) : error.body;
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : `the apiserver answered ${error.code}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
