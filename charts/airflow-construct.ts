/**
 * Airflow 3 for one pipeline, LocalExecutor: the metadata database (in the pipeline's PostgreSQL
 * server) and the Job that creates and migrates it, then scheduler, dag-processor, triggerer and
 * api-server.
 * The scheduler runs the DAG's KubernetesPodOperator tasks, so it alone has a ServiceAccount, bound
 * in its namespace only to the pod launcher ClusterRole of the operator's install: it may launch and
 * watch pods there and nothing more. The pods it launches come from the pod templates in a
 * ConfigMap, built by the same builder as the Jobs.
 */
import { Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { AirflowSpec } from '../contract/recall-pipeline/airflow-spec.ts';
import { DAG_FILE_NAME, POD_TEMPLATE_DIR, POD_TEMPLATE_FILES } from './airflow-dag.ts';
import { airflowLogin } from './airflow-login.ts';
import { generatedSecret } from './generated-secret.ts';
import type { RunStep } from './jobs-construct.ts';
import { componentSelector, type Labels } from './labels.ts';
import { objectName } from './names.ts';
import { postgresEnv, type PipelineContext, type PostgresConnection } from './pipeline-context.ts';
import { pipelinePodLabels, pipelinePodSpec } from './pipeline-pod.ts';
import { containerSecurityContext, podSecurityContext, resourceRequirements, scratchVolume } from './security.ts';

export const AIRFLOW_COMPONENT = 'airflow';
export const AIRFLOW_API_PORT = 8080;
/**
 * Airflow's log server, which the scheduler runs: with LocalExecutor the tasks run, and write their
 * logs, in the scheduler's pod, and the api-server fetches a task's log from here.
 */
export const AIRFLOW_TASK_LOG_PORT = 8793;

/** KubernetesPodOperator merges its settings into the template's container of this name. */
export const KPO_BASE_CONTAINER = 'base';

/**
 * The ClusterRole, shipped in the operator's install (charts/operator-install.ts), that each
 * pipeline's RoleBinding grants to its scheduler within the pipeline's namespace. One shared
 * ClusterRole rather than a Role per pipeline: RBAC lets the operator grant a role only if it holds
 * every permission in it or may `bind` that very role, and `bind` on this one name is far less than
 * launching and deleting pods in every namespace itself.
 */
export const AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE = 'recall-operator-airflow-pod-launcher';

export const airflowPodLauncherRules: k8s.PolicyRule[] = [
  // KubernetesPodOperator creates the pod, watches it, patches a label on it when done and deletes it.
  { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'] },
  // ... streams its logs into the task's log...
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  // ... and, while the pod starts, lists its Events into the task's log too.
  { apiGroups: [''], resources: ['events'], verbs: ['list'] },
];

/** The `airflow` user of the official image, which expects group 0. */
const AIRFLOW_RUN_AS = { user: 50000, group: 0 };

const AIRFLOW_HOME = '/opt/airflow';
const DAGS_FOLDER = `${AIRFLOW_HOME}/dags`;

/**
 * A ConfigMap volume holds its files through `..data`, a symlink to a timestamped folder beside
 * it; the dag-processor, which follows symlinks, finds that folder twice and exits ("recursive
 * loop"). The ignore file keeps it out of those folders; the DAG file itself, a symlink at the
 * top, is still read, and still follows ConfigMap updates (a subPath mount would not).
 */
const DAG_IGNORE_FILE = '.airflowignore';
const DAG_IGNORE_PATTERNS = '..*\n';

/**
 * Airflow reads `sql_alchemy_conn` from this command's output (the `_CMD` form of a sensitive
 * setting), so the password stays in its Secret and reaches Airflow only through PGPASSWORD,
 * URL-encoded. Airflow splits the command with shlex: no shell is involved.
 */
const SQL_ALCHEMY_CONN_CMD =
  `python -c "import os; from urllib.parse import quote; ` +
  `print('postgresql+psycopg2://%s:%s@%s:%s/%s?sslmode=%s' % tuple(quote(os.environ[k], safe='') ` +
  `for k in ('PGUSER', 'PGPASSWORD', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGSSLMODE')))"`;

/** Keys of the Airflow Secret, generated once by the operator. */
const SECRET_KEYS = { fernetKey: 'fernet-key', jwtSecret: 'jwt-secret', apiSecretKey: 'api-secret-key' } as const;

/** Creates the metadata database when missing; psql runs in the postgres image. */
const CREATE_DATABASE_SCRIPT = [
  'until pg_isready --timeout=5; do echo waiting for PostgreSQL; sleep 2; done',
  `psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$AIRFLOW_DATABASE'" | grep -q 1 ` +
    `|| psql -c "CREATE DATABASE \\"$AIRFLOW_DATABASE\\""`,
].join('\n');

/** The names of a pipeline's Airflow objects; `kubectl recall` finds the UI's Service and login by them. */
export function airflowObjectNames(pipeline: string) {
  const named = (suffix: string) => objectName(pipeline, suffix);
  return {
    secret: named('airflow'),
    serviceAccount: named('airflow'),
    // Not the name the per-pipeline Role's binding had: a binding's roleRef is immutable, so the
    // operator prunes that one (and its Role) and creates this one.
    podLauncher: named('airflow-launcher'),
    dags: named('airflow-dags'),
    podTemplates: named('airflow-pod-templates'),
    migrate: named('airflow-db-migrate'),
    api: named('airflow-api-server'),
    login: named('airflow-login'),
  };
}

type AirflowCommand = 'scheduler' | 'dag-processor' | 'triggerer' | 'api-server';

export interface AirflowProps {
  /** The pipeline's name: objects are named after it, and the DAG's id is it. */
  readonly pipeline: string;
  /** The pipeline's namespace, where the scheduler's ServiceAccount is bound. */
  readonly namespace: string;
  /** The pipeline's labels; each component's selector is added to them. */
  readonly labels: Labels;
  /** `spec.airflow`: image, schedule, metadata database, resources. */
  readonly settings: AirflowSpec;
  /** `spec.suspend`: the DAG is paused while it is true. */
  readonly suspended: boolean;
  /** The DAG's Python source (airflow/dag-source.ts reads it). */
  readonly dagSource: string;
  /** KubernetesPodOperator's pod template of each step, as YAML. */
  readonly podTemplates: Readonly<Record<RunStep, string>>;
  /** The PostgreSQL server that holds the metadata database. */
  readonly postgres: PostgresConnection;
  /** An image with psql, which creates the metadata database: the managed server's own. */
  readonly psqlImage: string;
  /** Whether the generated keys and login outlive the pipeline, as the metadata database may. */
  readonly retainSecrets: boolean;
}

export class AirflowConstruct extends Construct {
  constructor(scope: Construct, id: string, props: AirflowProps) {
    super(scope, id);
    const { settings: airflow, pipeline } = props;
    const names = airflowObjectNames(pipeline);
    const selectorOf = (component: string) => componentSelector(pipeline, component);
    const labelsOf = (component: string) => ({ ...props.labels, ...selectorOf(component) });
    const labels = labelsOf(AIRFLOW_COMPONENT);

    generatedSecret(this, 'secret', {
      name: names.secret,
      labels,
      keys: {
        [SECRET_KEYS.fernetKey]: 'fernet-key',
        [SECRET_KEYS.jwtSecret]: 'alphanumeric-64',
        [SECRET_KEYS.apiSecretKey]: 'alphanumeric-64',
      },
      // The Fernet key decrypts what Airflow stored in its metadata database.
      retain: props.retainSecrets,
    });
    const login = airflowLogin(this, 'login', {
      secretName: names.login,
      labels,
      airflowHome: AIRFLOW_HOME,
      // Kept with the metadata database it guards, like the keys above.
      retain: props.retainSecrets,
    });

    // The token is mounted in the scheduler's pod alone (automountServiceAccountToken there).
    const serviceAccount = new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name: names.serviceAccount, labels },
      automountToken: false,
    });
    new kplus.RoleBinding(this, 'pod-launcher-binding', {
      metadata: { name: names.podLauncher, labels },
      role: kplus.ClusterRole.fromClusterRoleName(this, 'pod-launcher', AIRFLOW_POD_LAUNCHER_CLUSTER_ROLE),
    }).addSubjects(serviceAccount);

    new kplus.ConfigMap(this, 'dags', {
      metadata: { name: names.dags, labels },
      data: { [DAG_FILE_NAME]: props.dagSource, [DAG_IGNORE_FILE]: DAG_IGNORE_PATTERNS },
    });
    new kplus.ConfigMap(this, 'pod-templates', {
      metadata: { name: names.podTemplates, labels },
      data: {
        [POD_TEMPLATE_FILES.produce]: props.podTemplates.produce,
        [POD_TEMPLATE_FILES.consume]: props.podTemplates.consume,
      },
    });

    const airflowDatabaseEnv: k8s.EnvVar[] = [
      ...postgresEnv(props.postgres, airflow.database),
      { name: 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD', value: SQL_ALCHEMY_CONN_CMD },
    ];
    const fromSecret = (name: string, key: string): k8s.EnvVar => ({
      name,
      valueFrom: { secretKeyRef: { name: names.secret, key } },
    });
    const env: k8s.EnvVar[] = [
      { name: 'AIRFLOW__CORE__EXECUTOR', value: 'LocalExecutor' },
      { name: 'AIRFLOW__CORE__LOAD_EXAMPLES', value: 'False' },
      { name: 'AIRFLOW__CORE__DAGS_FOLDER', value: DAGS_FOLDER },
      // The ignore file above is written in glob syntax.
      { name: 'AIRFLOW__CORE__DAG_IGNORE_FILE_SYNTAX', value: 'glob' },
      // With LocalExecutor in the scheduler's pod, tasks reach the execution API on the api-server.
      {
        name: 'AIRFLOW__CORE__EXECUTION_API_SERVER_URL',
        value: `http://${names.api}:${AIRFLOW_API_PORT}/execution/`,
      },
      ...airflowDatabaseEnv,
      // A task records the host it ran on, and the api-server fetches its log from that host's log
      // server. A pod's hostname resolves in the pod only; its IP is reachable from the api-server.
      { name: 'AIRFLOW__CORE__HOSTNAME_CALLABLE', value: 'airflow.utils.net.get_host_ip_address' },
      { name: 'AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT', value: String(AIRFLOW_TASK_LOG_PORT) },
      fromSecret('AIRFLOW__CORE__FERNET_KEY', SECRET_KEYS.fernetKey),
      fromSecret('AIRFLOW__API_AUTH__JWT_SECRET', SECRET_KEYS.jwtSecret),
      // Also what the api-server signs its log requests with and the log server checks them with.
      fromSecret('AIRFLOW__API__SECRET_KEY', SECRET_KEYS.apiSecretKey),
    ];

    const home = scratchVolume('airflow-home', AIRFLOW_HOME);
    const tmp = scratchVolume('tmp', '/tmp');
    const airflowContainer = (
      name: string,
      run: Pick<k8s.Container, 'command' | 'args'>,
      containerEnv: k8s.EnvVar[] = env,
    ): k8s.Container => ({
      name,
      image: airflow.image,
      ...run,
      env: containerEnv,
      resources: resourceRequirements(airflow.resources),
      // The image writes only under AIRFLOW_HOME and /tmp, both scratch volumes here.
      securityContext: containerSecurityContext({ readOnlyRootFilesystem: true }),
      volumeMounts: [
        home.mount,
        tmp.mount,
        { name: 'dags', mountPath: DAGS_FOLDER, readOnly: true },
        { name: 'pod-templates', mountPath: POD_TEMPLATE_DIR, readOnly: true },
      ],
    });
    const volumes: k8s.Volume[] = [
      home.volume,
      tmp.volume,
      { name: 'dags', configMap: { name: names.dags } },
      { name: 'pod-templates', configMap: { name: names.podTemplates } },
    ];
    const podSpec = (containers: k8s.Container[], extra: Partial<k8s.PodSpec> = {}): k8s.PodSpec => ({
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: podSecurityContext(AIRFLOW_RUN_AS),
      containers,
      volumes,
      ...extra,
    });

    new k8s.KubeJob(this, 'db-migrate', {
      metadata: { name: names.migrate, labels: labelsOf('airflow-db-migrate') },
      spec: {
        backoffLimit: 6,
        template: {
          metadata: { labels: labelsOf('airflow-db-migrate') },
          spec: podSpec([airflowContainer('db-migrate', { args: ['db', 'migrate'] })], {
            restartPolicy: 'Never',
            initContainers: [
              {
                name: 'create-database',
                image: props.psqlImage,
                command: ['sh', '-c', CREATE_DATABASE_SCRIPT],
                env: [...postgresEnv(props.postgres), { name: 'AIRFLOW_DATABASE', value: airflow.database }],
                resources: resourceRequirements(airflow.resources),
                securityContext: containerSecurityContext({ readOnlyRootFilesystem: true }),
                volumeMounts: [tmp.mount],
              },
            ],
          }),
        },
      },
    });

    const waitForMigrations = airflowContainer('wait-for-migrations', {
      args: ['db', 'check-migrations', '--migration-wait-timeout', '600'],
    });
    const deployment = (
      command: AirflowCommand,
      options: {
        env?: k8s.EnvVar[];
        container?: Partial<k8s.Container>;
        initContainers?: k8s.Container[];
        pod?: Partial<k8s.PodSpec>;
      },
    ) => {
      const component = `airflow-${command}`;
      const selector = selectorOf(component);
      const containerEnv = options.env ?? env;
      new k8s.KubeDeployment(this, command, {
        metadata: { name: objectName(pipeline, component), labels: labelsOf(component) },
        spec: {
          replicas: 1,
          // One scheduler at a time: LocalExecutor runs tasks in its pod.
          strategy: { type: 'Recreate' },
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: labelsOf(component) },
            spec: podSpec([{ ...airflowContainer(command, { args: [command] }, containerEnv), ...options.container }], {
              initContainers: [waitForMigrations, ...(options.initContainers ?? [])],
              ...options.pod,
            }),
          },
        },
      });
    };

    // What the DAG needs to know about its pipeline, only in the pods that read the DAG file (the
    // dag-processor parses it, the scheduler's task processes load it): a change of the schedule or
    // of spec.suspend rolls them, not the api-server (its UI stays up), nor the migration Job,
    // whose pod template is immutable.
    const dagEnv: k8s.EnvVar[] = [
      ...env,
      { name: 'RECALL_PIPELINE', value: pipeline },
      { name: 'RECALL_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'RECALL_SCHEDULE', value: airflow.schedule },
      { name: 'RECALL_POD_TEMPLATE_DIR', value: POD_TEMPLATE_DIR },
      { name: 'RECALL_SUSPENDED', value: String(props.suspended) },
    ];
    deployment('scheduler', {
      env: dagEnv,
      container: {
        resources: resourceRequirements(airflow.schedulerResources),
        ports: [{ name: 'task-logs', containerPort: AIRFLOW_TASK_LOG_PORT }],
        livenessProbe: jobCheckProbe('SchedulerJob'),
      },
      // The DAG's pause follows spec.suspend: the DAG file creates it paused or not, and each start of
      // the scheduler, which a change of spec.suspend causes, sets it again. A suspended pipeline
      // keeps its scheduler, so the UI shows the DAG paused rather than a scheduler gone. Harmless
      // before the DAG's first parse: the command finds nothing to change and exits 0.
      initContainers: [
        airflowContainer('apply-suspend', { args: ['dags', props.suspended ? 'pause' : 'unpause', pipeline] }, dagEnv),
      ],
      pod: { serviceAccountName: names.serviceAccount, automountServiceAccountToken: true },
    });
    deployment('dag-processor', { env: dagEnv, container: { livenessProbe: jobCheckProbe('DagProcessorJob') } });
    // Runs the triggers of deferred tasks. The DAG defers none today, but a user's DAG edits or a
    // provider upgrade may (KubernetesPodOperator's deferrable mode), and Airflow 3 counts on it.
    deployment('triggerer', { container: { livenessProbe: jobCheckProbe('TriggererJob') } });
    deployment('api-server', {
      env: [...env, ...login.apiServerEnv],
      container: {
        ports: [{ name: 'http', containerPort: AIRFLOW_API_PORT }],
        readinessProbe: {
          httpGet: { path: '/api/v2/monitor/health', port: k8s.IntOrString.fromString('http') },
          periodSeconds: 10,
          timeoutSeconds: 5,
        },
      },
      initContainers: [airflowContainer('write-login', login.writePasswordsFile.run, login.writePasswordsFile.env)],
    });
    new kplus.Service(this, 'api-server-service', {
      metadata: { name: names.api, labels: labelsOf('airflow-api-server') },
      selector: kplus.Pods.select(this, 'api-server-pods', { labels: selectorOf('airflow-api-server') }),
      ports: [{ name: 'http', port: AIRFLOW_API_PORT, targetPort: AIRFLOW_API_PORT }],
    });
  }
}

function jobCheckProbe(jobType: string): k8s.Probe {
  return {
    exec: { command: ['airflow', 'jobs', 'check', '--job-type', jobType, '--local'] },
    initialDelaySeconds: 60,
    periodSeconds: 60,
    timeoutSeconds: 30,
    failureThreshold: 5,
  };
}

/** A Pod manifest for KubernetesPodOperator's `pod_template_file`. */
export function podTemplate(ctx: PipelineContext, step: RunStep): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { labels: pipelinePodLabels(ctx, step) },
    spec: k8s.toJson_PodSpec(pipelinePodSpec(ctx, step, { containerName: KPO_BASE_CONTAINER })),
  };
  // toJson_ leaves unset fields as undefined; a JSON round trip drops them before YAML.
  return Yaml.stringify(JSON.parse(JSON.stringify(pod)));
}
