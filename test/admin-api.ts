/**
 * The project's one Kubernetes client (operator/runtime/kube-api.ts) for the tests and the test
 * environment, from a kubeconfig they loaded: it applies objects byte for byte, with strict field
 * validation, where client-node's typed models would drop keys they spell differently.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { fromClientNodeConfig } from '../operator/runtime/cluster-access.ts';
import { KubeApi } from '../operator/runtime/kube-api.ts';

export async function adminApi(config: KubeConfig, fieldManager: string): Promise<KubeApi> {
  return new KubeApi(await fromClientNodeConfig(config), { fieldManager });
}
