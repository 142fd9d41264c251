/**
 * The kind cluster itself, as the product needs it: two Ready nodes, a pod network that spans
 * them with Service names resolved by CoreDNS, volumes from the default StorageClass that outlive
 * their pods, and the operator running as users install it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_PIPELINE_IMAGE } from '../../contract/pipeline-defaults.ts';
import { OPERATOR_NAMESPACE, operatorLeader } from '../infra/cluster/kind-cluster.ts';
import { envContext } from '../infra/context.ts';
import {
  apply,
  createNamespace,
  eventually,
  kubectl,
  kubectlJson,
  kubectlResult,
  requireCluster,
} from './kind-fixture.ts';
import { nodeScriptPod, waitForPodPhase } from './pods.ts';

interface NodeList {
  items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[];
}

describe('the kind cluster built here', () => {
  let namespace: Awaited<ReturnType<typeof createNamespace>>;
  let nodes: string[];

  beforeAll(async () => {
    requireCluster();
    namespace = await createNamespace('cluster');
    nodes = (await kubectlJson<NodeList>('get', 'nodes')).items.map((node) => node.metadata.name);
  });

  afterAll(async () => {
    await namespace?.remove();
  });

  it('has two nodes, both Ready', async () => {
    const list = await kubectlJson<NodeList>('get', 'nodes');
    expect(list.items).toHaveLength(2);
    for (const node of list.items) {
      expect(node.status.conditions.find((condition) => condition.type === 'Ready')?.status).toBe('True');
    }
  });

  it('runs a pod on each node that resolves a Service name through CoreDNS and reaches a Service on the other node', async () => {
    const ns = namespace.name;
    const servers = nodes.map((node, index) => ({ node, name: `echo-${index}` }));
    // Each server answers with the node it runs on, so the client proves where its request went.
    const serve = `require('node:http').createServer((q, r) => r.end(process.env.NODE_NAME)).listen(8080)`;
    await apply(
      servers.flatMap(({ node, name }) => [
        nodeScriptPod({ name, namespace: ns, node, script: serve, labels: { app: name }, restartPolicy: 'Always' }),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace: ns },
          spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
        },
      ]),
    );
    for (const { name } of servers) {
      await kubectl('wait', '--for=condition=Ready', `pod/${name}`, '--namespace', ns, '--timeout=180s');
    }
    // The client on each node asks the server of the other node, by Service name.
    const lookups = servers.map(({ node }, index) => ({ node, target: servers[(index + 1) % servers.length]! }));
    await apply(
      lookups.map(({ node, target }, index) =>
        nodeScriptPod({
          name: `client-${index}`,
          namespace: ns,
          node,
          // Until kube-proxy on this node has programmed the new Service, a connection is refused:
          // the client retries for a while, as any client of a new Service would.
          script: `
            const { address } = await require('node:dns').promises.lookup('${target.name}');
            for (let attempt = 1; ; attempt++) {
              try {
                const answer = await (await fetch('http://${target.name}/')).text();
                console.log(JSON.stringify({ address, answer }));
                return;
              } catch (error) {
                if (attempt === 60) throw error;
                await new Promise((resolve) => setTimeout(resolve, 1000));
              }
            }`,
        }),
      ),
    );
    for (const [index, { target }] of lookups.entries()) {
      await waitForPodPhase(ns, `client-${index}`, 'Succeeded');
      const result = JSON.parse(await kubectl('logs', `client-${index}`, '--namespace', ns)) as {
        address: string;
        answer: string;
      };
      const clusterIp = (
        await kubectl('get', 'service', target.name, '--namespace', ns, '--output', 'jsonpath={.spec.clusterIP}')
      ).trim();
      expect(result.address).toBe(clusterIp);
      expect(result.answer).toBe(target.node);
    }
  });

  it('binds a volume claim through the local-path provisioner, and its data outlives the pod', async () => {
    const ns = namespace.name;
    const claim = 'proof';
    await apply([
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: claim, namespace: ns },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } },
      },
      nodeScriptPod({
        name: 'writer',
        namespace: ns,
        claim,
        script: `require('node:fs').writeFileSync('/data/proof.txt', 'written by ' + process.env.POD_NAME)`,
      }),
    ]);
    await waitForPodPhase(ns, 'writer', 'Succeeded');
    const bound = await kubectlJson<{
      status: { phase: string };
      spec: { storageClassName: string; volumeName: string };
    }>('get', 'pvc', claim, '--namespace', ns);
    expect(bound.status.phase).toBe('Bound');
    expect(bound.spec.storageClassName).toBe('standard');
    const volume = await kubectlJson<{ metadata: { annotations: Record<string, string> } }>(
      'get',
      'pv',
      bound.spec.volumeName,
    );
    expect(volume.metadata.annotations['pv.kubernetes.io/provisioned-by']).toBe('rancher.io/local-path');

    await kubectl('delete', 'pod', 'writer', '--namespace', ns, '--wait=true');
    await apply([
      nodeScriptPod({
        name: 'reader',
        namespace: ns,
        claim,
        script: `console.log(require('node:fs').readFileSync('/data/proof.txt', 'utf8'))`,
      }),
    ]);
    await waitForPodPhase(ns, 'reader', 'Succeeded');
    expect((await kubectl('logs', 'reader', '--namespace', ns)).trim()).toBe('written by writer');
  });

  describe('the operator, installed with kubectl apply --server-side -f manifests/operator/install.yaml', () => {
    interface Pod {
      metadata: { name: string };
      spec: {
        serviceAccountName: string;
        securityContext: { runAsNonRoot?: boolean; runAsUser?: number };
        containers: { image: string; securityContext: { readOnlyRootFilesystem?: boolean } }[];
      };
      status: { phase: string; containerStatuses: { ready: boolean }[] };
    }

    it('runs as a pod of our image under its ServiceAccount, non-root, on a read-only root file system', async () => {
      const leader = await eventually('an operator pod holding the Lease', () => operatorLeader(envContext()));
      const pod = await kubectlJson<Pod>('get', 'pod', leader, '--namespace', OPERATOR_NAMESPACE);
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.containerStatuses.every((status) => status.ready)).toBe(true);
      expect(pod.spec.containers[0]!.image).toBe(DEFAULT_PIPELINE_IMAGE);
      expect(pod.spec.serviceAccountName).toBe('recall-operator');
      expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
      expect(pod.spec.containers[0]!.securityContext.readOnlyRootFilesystem).toBe(true);

      const exec = ['exec', leader, '--namespace', OPERATOR_NAMESPACE, '--', 'node', '-e'];
      expect((await kubectl(...exec, 'process.stdout.write(String(process.getuid()))')).trim()).toBe('1000');
      const write = await kubectlResult([...exec, `require('node:fs').writeFileSync('/app/probe', 'x')`]);
      expect(write.code).not.toBe(0);
      expect(write.stderr).toContain('EROFS');
    });

    it('answers /readyz and /metrics through its Service', async () => {
      const proxy = `/api/v1/namespaces/${OPERATOR_NAMESPACE}/services/recall-operator-metrics:metrics/proxy`;
      const ready = await kubectlResult(['get', '--raw', `${proxy}/readyz`]);
      expect(ready.code).toBe(0);
      const metrics = await kubectl('get', '--raw', `${proxy}/metrics`);
      expect(metrics).toContain('recall_operator_reconciles_total');
    });
  });
});
