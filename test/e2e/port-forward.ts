/**
 * `kubectl port-forward`, as users reach a Service of the cluster from their machine: the local
 * port is chosen by kubectl (":<remote>") and read from the line it prints once it listens.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

import { envContext } from '../infra/context.ts';
import { binDir } from '../infra/kubernetes-build.ts';
import { kubeconfig } from './kind-fixture.ts';

export interface PortForward {
  readonly url: string;
  stop(): void;
}

const LISTENING = /Forwarding from 127\.0\.0\.1:(\d+)/;

export function portForward(
  namespace: string,
  target: string,
  remotePort: number,
  timeoutMs = 60_000,
): Promise<PortForward> {
  const kubectl = path.join(binDir(envContext()), 'kubectl');
  const child = spawn(
    kubectl,
    ['--kubeconfig', kubeconfig(), 'port-forward', '-n', namespace, target, `:${remotePort}`, '--address', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(
        new Error(`kubectl port-forward ${target} -n ${namespace} did not listen within ${timeoutMs} ms: ${output}`),
      );
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = LISTENING.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.kill() });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward ${target} -n ${namespace} exited ${code}: ${output.trim()}`));
    });
  });
}
