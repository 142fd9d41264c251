/**
 * pgAdmin 4, off by default as in the original pipeline: a Deployment, its Service, the create-only
 * Secret with its first user's password, and a servers.json that lists the pipeline's database.
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { generatedSecret } from './generated-secret.ts';
import type { Labels } from './labels.ts';
import type { PostgresConnection } from './pipeline-context.ts';
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
    const serversFile = new kplus.ConfigMap(this, 'servers', {
      metadata: { name, labels },
      data: { 'servers.json': JSON.stringify(servers, null, 2) },
    });

    webTool(this, {
      name,
      containerName: PGADMIN_COMPONENT,
      labels,
      selector,
      image: props.image,
      runAs: PGADMIN_RUN_AS,
      port: PORT,
      readinessPath: '/misc/ping',
      env: {
        PGADMIN_DEFAULT_EMAIL: kplus.EnvValue.fromValue(props.email),
        PGADMIN_DEFAULT_PASSWORD: kplus.EnvValue.fromSecretValue({
          secret: kplus.Secret.fromSecretName(this, 'login', name),
          key: PASSWORD_KEY,
        }),
        // An unprivileged port: the container holds no NET_BIND_SERVICE.
        PGADMIN_LISTEN_PORT: kplus.EnvValue.fromValue(String(PORT)),
        PGADMIN_SERVER_JSON_FILE: kplus.EnvValue.fromValue('/pgadmin/servers.json'),
      },
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
      },
      // The image's entrypoint writes its configuration into /pgadmin4 at start.
      writableRootFilesystem: true,
      scratch: [
        { name: 'data', path: '/var/lib/pgadmin' },
        { name: 'tmp', path: '/tmp' },
      ],
      configFiles: { volume: 'servers', configMap: serversFile, path: '/pgadmin' },
    });
  }
}
