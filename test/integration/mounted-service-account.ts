/**
 * What the kubelet mounts in a pod for its ServiceAccount — a token from the TokenRequest API and
 * the cluster's CA — played in temporary folders, with the KUBERNETES_SERVICE_* variables, so
 * the operator's in-cluster access can be tested against the real apiserver.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { loadClusterAccess, type AccessSources, type ClusterAccess } from '../../operator/runtime/cluster-access.ts';

export interface MountedServiceAccount {
  /** Where loadClusterAccess looks inside the pod: its environment, an empty home, the mount. */
  readonly sources: AccessSources;
  /** Access as the operator loads it in the pod. */
  access(): Promise<ClusterAccess>;
  /** Writes `token`, or a fresh one from the TokenRequest API, where the kubelet would. */
  writeToken(token?: string): Promise<void>;
  dispose(): void;
}

export async function mountServiceAccount(
  core: k8s.CoreV1Api,
  kubeconfig: string,
  { namespace, name, expirationSeconds }: { namespace: string; name: string; expirationSeconds: number },
): Promise<MountedServiceAccount> {
  const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'serviceaccount-'));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'home-'));
  const admin = await loadClusterAccess(kubeconfig);
  const server = new URL(admin.server);
  const sources: AccessSources = {
    env: { KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port },
    home,
    serviceAccountDir: mount,
  };
  const writeToken = async (token?: string): Promise<void> => {
    const issued =
      token ??
      (
        await core.createNamespacedServiceAccountToken({
          name,
          namespace,
          body: { spec: { audiences: [], expirationSeconds } },
        })
      ).status!.token;
    fs.writeFileSync(path.join(mount, 'token'), issued);
  };
  fs.writeFileSync(path.join(mount, 'ca.crt'), admin.tls.ca as Buffer);
  await writeToken();
  return {
    sources,
    access: () => loadClusterAccess(undefined, sources),
    writeToken,
    dispose() {
      fs.rmSync(mount, { recursive: true, force: true });
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
