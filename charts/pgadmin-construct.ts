/**
 * pgAdmin 4, off by default as in the original pipeline: a Deployment, its Service, the create-only
 * Secret with its first user's password, and a servers.json that lists the pipeline's database.
 */
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { generatedSecret } from './generated-secret.ts';
import type { Labels } from './labels.ts';
import type { PostgresConnection } from './pipeline-context.ts';
import { containerSecurityContext, scratchVolume } from './security.ts';
import { webTool } from './web-tool.ts';

export const PGADMIN_COMPONENT = 'pgadmin';
const PORT = 8080;
const PASSWORD_KEY = 'password';

/** The image's `pgadmin` user, which expects group 0. */
const PGADMIN_RUN_AS = { user: 5050, group: 0 };

export interface PgAdminProps {
  /** Of the Deployment, its Service, the login Secret and the servers ConfigMap. */
  readonly name: string;
  /** The pipeline's labels; the selector is added to them. */
  readonly labels: Labels;
  readonly selector: Labels;
  readonly image: string;
  /** Login of the first user; the password is generated into the Secret. */
  readonly email: string;
  /** The database pgAdmin lists, under `serverName`. */
  readonly connection: PostgresConnection;
  readonly serverName: string;
}

export class PgAdminConstruct extends Construct {
  constructor(scope: Construct, id: string, props: PgAdminProps) {
    super(scope, id);
    const { name, selector, connection } = props;
    const labels = { ...props.labels, ...selector };

    // pgAdmin keeps nothing beyond its pod, so its login need not outlive the pipeline.
    generatedSecret(this, 'password', { name, labels, keys: { [PASSWORD_KEY]: 'alphanumeric-32' }, retain: false });
    // No password here: pgAdmin asks for it on first connection.
    const servers = {
      Servers: {
        '1': {
          Name: props.serverName,
          Group: 'RecallPipeline',
          Host: connection.host,
          Port: connection.port,
          MaintenanceDB: connection.database,
          Username: connection.user.value ?? '',
          SSLMode: connection.sslMode,
        },
      },
    };
    new kplus.ConfigMap(this, 'servers', {
      metadata: { name, labels },
      data: { 'servers.json': JSON.stringify(servers, null, 2) },
    });

    const data = scratchVolume('data', '/var/lib/pgadmin');
    const tmp = scratchVolume('tmp', '/tmp');
    webTool(this, {
      name,
      labels,
      selector,
      runAs: PGADMIN_RUN_AS,
      port: PORT,
      container: {
        name: PGADMIN_COMPONENT,
        image: props.image,
        env: [
          { name: 'PGADMIN_DEFAULT_EMAIL', value: props.email },
          { name: 'PGADMIN_DEFAULT_PASSWORD', valueFrom: { secretKeyRef: { name, key: PASSWORD_KEY } } },
          // An unprivileged port: the container holds no NET_BIND_SERVICE.
          { name: 'PGADMIN_LISTEN_PORT', value: String(PORT) },
          { name: 'PGADMIN_SERVER_JSON_FILE', value: '/pgadmin/servers.json' },
        ],
        readinessProbe: {
          httpGet: { path: '/misc/ping', port: k8s.IntOrString.fromString('http') },
          periodSeconds: 10,
        },
        resources: {
          requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
          limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('512Mi') },
        },
        // The image's entrypoint writes its configuration into /pgadmin4 at start.
        securityContext: containerSecurityContext({ readOnlyRootFilesystem: false }),
        volumeMounts: [data.mount, tmp.mount, { name: 'servers', mountPath: '/pgadmin', readOnly: true }],
      },
      volumes: [data.volume, tmp.volume, { name: 'servers', configMap: { name } }],
    });
  }
}
