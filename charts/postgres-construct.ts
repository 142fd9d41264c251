/**
 * The managed PostgreSQL of a pipeline: a one-replica StatefulSet with its volume claim template, a
 * headless Service (its stable DNS name is the host the pipeline connects to), and the create-only
 * Secret with the owner's password. `onDelete` decides whether the volume and that Secret outlive the
 * pipeline (docs/decisions/0001-recallpipeline-api.md). An external server needs nothing here.
 */
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ManagedPostgres } from '../contract/recall-pipeline/postgres-spec.ts';
import { generatedSecret } from './generated-secret.ts';
import type { Labels } from './labels.ts';
import { MANAGED_POSTGRES_USER, POSTGRES_PASSWORD_KEY } from './pipeline-context.ts';
import { containerSecurityContext, podSecurityContext, resourceRequirements, scratchVolume } from './security.ts';

export const POSTGRES_COMPONENT = 'postgres';
export const POSTGRES_PORT = 5432;
/** The server's container, where `kubectl recall psql` runs psql. */
export const POSTGRES_CONTAINER = 'postgres';

/** The `postgres` user of the official image; its entrypoint runs unprivileged when started as it. */
const POSTGRES_RUN_AS = { user: 999, group: 999 };

const DATA_DIR = '/var/lib/postgresql/data';

export interface PostgresProps {
  /** Of the StatefulSet, its headless Service (the host clients connect to) and the password Secret. */
  readonly name: string;
  /** The pipeline's labels; the component's selector is added to them. */
  readonly labels: Labels;
  /** Selects the server's pod among the pipeline's. */
  readonly selector: Labels;
  /** The database created at first start, owned by MANAGED_POSTGRES_USER. */
  readonly database: string;
  /** Image, resources, storage and onDelete, as `spec.postgres.managed` gives them. */
  readonly settings: ManagedPostgres;
  /** Whether the password Secret outlives the pipeline, as the data it unlocks may. */
  readonly retainPassword: boolean;
}

export class PostgresConstruct extends Construct {
  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const { name, selector, settings, database } = props;
    const labels = { ...props.labels, ...selector };

    generatedSecret(this, 'password', {
      name,
      labels,
      keys: { [POSTGRES_PASSWORD_KEY]: 'alphanumeric-32' },
      retain: props.retainPassword,
    });

    new kplus.Service(this, 'service', {
      metadata: { name, labels },
      // Headless: the name resolves to the server's pod, the StatefulSet's stable address.
      clusterIP: 'None',
      selector: kplus.Pods.select(this, 'pods', { labels: selector }),
      ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: POSTGRES_PORT }],
    });

    const run = scratchVolume('run', '/var/run/postgresql');
    const tmp = scratchVolume('tmp', '/tmp');
    const isReady: k8s.Probe = {
      exec: {
        command: ['pg_isready', '--host=127.0.0.1', `--username=${MANAGED_POSTGRES_USER}`, `--dbname=${database}`],
      },
      periodSeconds: 10,
      timeoutSeconds: 5,
    };

    new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: { name, labels },
      spec: {
        serviceName: name,
        replicas: 1,
        // Written out though Retain is Kubernetes' default: deleting the data is a choice in the spec.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: settings.onDelete, whenScaled: 'Retain' },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: podSecurityContext(POSTGRES_RUN_AS),
            containers: [
              {
                name: POSTGRES_CONTAINER,
                image: settings.image,
                env: [
                  { name: 'POSTGRES_USER', value: MANAGED_POSTGRES_USER },
                  { name: 'POSTGRES_DB', value: database },
                  { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name, key: POSTGRES_PASSWORD_KEY } } },
                  // A subdirectory, so the volume's lost+found does not make initdb refuse it.
                  { name: 'PGDATA', value: `${DATA_DIR}/pgdata` },
                ],
                ports: [{ name: 'postgres', containerPort: POSTGRES_PORT }],
                readinessProbe: isReady,
                livenessProbe: { ...isReady, initialDelaySeconds: 30, failureThreshold: 6 },
                resources: resourceRequirements(settings.resources),
                securityContext: containerSecurityContext({ readOnlyRootFilesystem: true }),
                volumeMounts: [{ name: 'data', mountPath: DATA_DIR }, run.mount, tmp.mount],
              },
            ],
            volumes: [run.volume, tmp.volume],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(settings.storage.storageClassName !== undefined && {
                storageClassName: settings.storage.storageClassName,
              }),
              resources: { requests: { storage: k8s.Quantity.fromString(settings.storage.size) } },
            },
          },
        ],
      },
    });
  }
}
