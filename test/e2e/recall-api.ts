/**
 * The pipeline's source inside the cluster: `recall api` serving a records file from an image built
 * for it (our image plus the file), behind a Service, as the RappelConso API would be reached.
 */
import { IMAGE_RECALL_ENTRYPOINT } from '../../contract/pipeline-defaults.ts';
import { loadImages } from '../infra/cluster/kind-cluster.ts';
import { buildRecallApiImage } from '../infra/cluster/product-images.ts';
import { envContext } from '../infra/context.ts';
import { apply, kubectl } from './kind-fixture.ts';

const API_NAME = 'recall-api';
const API_PORT = 8080;

/** Builds (or finds) the image of `recordsFile`, loads it on the nodes, and deploys the API; returns its URL. */
export async function deployRecallApi(namespace: string, recordsFile: string): Promise<string> {
  const ctx = envContext();
  const image = await buildRecallApiImage(ctx, recordsFile);
  await loadImages(ctx, [image]);
  await apply(recallApiObjects(namespace, image));
  return `http://${API_NAME}.${namespace}.svc:${API_PORT}`;
}

/** Waits for the API to serve. */
export async function recallApiReady(namespace: string): Promise<void> {
  await kubectl('rollout', 'status', `deployment/${API_NAME}`, '-n', namespace, '--timeout=300s');
}

function recallApiObjects(namespace: string, image: string): object[] {
  const labels = { 'app.kubernetes.io/name': API_NAME };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: API_NAME, namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'api',
                image,
                imagePullPolicy: 'IfNotPresent',
                command: ['node', IMAGE_RECALL_ENTRYPOINT, 'api', '--data', '/data/records.jsonl'],
                args: ['--host', '0.0.0.0', '--port', String(API_PORT)],
                ports: [{ name: 'http', containerPort: API_PORT }],
                readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
                resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: API_NAME, namespace, labels },
      spec: { selector: labels, ports: [{ name: 'http', port: API_PORT, targetPort: 'http' }] },
    },
  ];
}
