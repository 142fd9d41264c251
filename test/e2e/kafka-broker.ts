/**
 * The in-cluster Kafka broker of the end-to-end tests' "external Kafka" mode: one KRaft node
 * (broker and controller in one JVM) from our image (test/infra/cluster/images/kafka), a
 * StatefulSet so its data volume outlives the pod, and a Service `kafka` the pipeline's pods reach
 * it through. The test applies these objects with kubectl and points `kafka.external` at
 * `kafkaBootstrapServers(namespace)`.
 *
 * Typed with the client's models so a misspelt field fails the typecheck instead of being dropped
 * by the apiserver; returned as plain objects because kubectl is what applies them.
 */
import type * as k8s from '@kubernetes/client-node';

export const KAFKA_BROKER_NAME = 'kafka';
export const KAFKA_BROKER_PORT = 9092;

/** What the broker's uid and gid are in the image; fsGroup gives it the volume. */
const KAFKA_UID = 1000;
const READY_SCRIPT = '/opt/kafka/bin/ready.sh';

/**
 * The Service's namespace-qualified name without the cluster domain, which is a per-cluster setting:
 * pods complete it through their DNS search path. Only pods resolve it, so whoever connects (the
 * operator included) must run in the cluster.
 */
function serviceHost(namespace: string): string {
  return `${KAFKA_BROKER_NAME}.${namespace}.svc`;
}

/** `host:port` for KAFKA_BROKERS and `kafka.external.bootstrapServers`, from any pod of the cluster. */
export function kafkaBootstrapServers(namespace: string): string {
  return `${serviceHost(namespace)}:${KAFKA_BROKER_PORT}`;
}

export function kafkaBrokerObjects(namespace: string, image: string): object[] {
  const labels = {
    'app.kubernetes.io/name': 'kafka',
    'app.kubernetes.io/instance': KAFKA_BROKER_NAME,
    'app.kubernetes.io/component': 'e2e-external-kafka',
  };

  const service: k8s.V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KAFKA_BROKER_NAME, namespace, labels },
    spec: {
      selector: labels,
      ports: [{ name: 'kafka', port: KAFKA_BROKER_PORT, targetPort: 'kafka', protocol: 'TCP' }],
    },
  };

  const statefulSet: k8s.V1StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: KAFKA_BROKER_NAME, namespace, labels },
    spec: {
      replicas: 1,
      serviceName: KAFKA_BROKER_NAME,
      selector: { matchLabels: labels },
      // The claim is the broker's data; it goes with the test's StatefulSet, not with a restart.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      template: {
        metadata: { labels },
        spec: {
          // Kubernetes would otherwise inject KAFKA_PORT, KAFKA_SERVICE_HOST and friends for the
          // Service named kafka, a namespace that images reading KAFKA_* settings tend to collide with.
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          // Time for a controlled shutdown, so the next start needs no log recovery.
          terminationGracePeriodSeconds: 60,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: KAFKA_UID,
            runAsGroup: KAFKA_UID,
            fsGroup: KAFKA_UID,
            // A restart on the same volume then skips walking every segment file.
            fsGroupChangePolicy: 'OnRootMismatch',
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'kafka',
              image,
              // The image is loaded into the kind nodes (no registry serves recall.local).
              imagePullPolicy: 'IfNotPresent',
              env: [
                // Clients learn the broker's address from its metadata, so it must be the one
                // other pods resolve: the Service's, since there is a single broker behind it.
                { name: 'KAFKA_ADVERTISED_HOST', value: serviceHost(namespace) },
                { name: 'KAFKA_ADVERTISED_PORT', value: String(KAFKA_BROKER_PORT) },
                { name: 'KAFKA_HEAP_OPTS', value: '-Xms256m -Xmx512m' },
              ],
              ports: [{ name: 'kafka', containerPort: KAFKA_BROKER_PORT, protocol: 'TCP' }],
              // The image's probe: the broker answering an ApiVersions request, which also catches
              // a broker that accepts connections but has stopped handling requests.
              startupProbe: {
                exec: { command: [READY_SCRIPT] },
                periodSeconds: 2,
                timeoutSeconds: 5,
                // A first start formats the volume and starts two JVMs on a shared 2-core node.
                failureThreshold: 90,
              },
              readinessProbe: {
                exec: { command: [READY_SCRIPT] },
                periodSeconds: 5,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              // Lenient and cheap: a broker busy in a long GC or log cleaning must not be killed for it.
              livenessProbe: {
                tcpSocket: { port: 'kafka' },
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 6,
              },
              resources: {
                requests: { cpu: '250m', memory: '768Mi' },
                // The heap's 512 MiB plus metaspace, thread stacks and network buffers.
                limits: { cpu: '1', memory: '1Gi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/kafka/data' },
                // The generated server.properties, the JVM's perf data and the native libraries
                // the compression codecs unpack.
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '128Mi' } }],
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', labels },
          spec: {
            // kind's default class (rancher's local-path provisioner).
            storageClassName: 'standard',
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '1Gi' } },
          },
        },
      ],
    },
  };

  return [service, statefulSet];
}
