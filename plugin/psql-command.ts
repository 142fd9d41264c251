/**
 * `kubectl recall psql NAME [-- PSQL ARGS]`: psql in the pipeline's managed PostgreSQL, as
 * `kubectl cnpg psql` does: exec'd in the server's own container, connected over its local socket
 * as the database's owner, so no password travels and no port is opened. Interactive, with a
 * terminal, when stdin and stdout are terminals; otherwise stdin and stdout are plain streams, so
 * `-- -c 'select ...'` and `< script.sql` work in scripts.
 */
import { Exec, type V1Pod, type V1Status } from '@kubernetes/client-node';
import { MANAGED_POSTGRES_USER, type PipelineContext } from '../charts/pipeline-context.ts';
import { POSTGRES_COMPONENT, POSTGRES_CONTAINER } from '../charts/postgres-construct.ts';
import { apiErrorMessage, connect, type Cluster, type OpenSocket } from './cluster-access.ts';
import { GLOBAL_USAGE, parseCommandLine } from './command-line.ts';
import { PluginError, type PluginCommand, type PluginIo } from './plugin-command.ts';
import { pipelineRef, readPipeline } from './read-pipeline.ts';

const USAGE =
  'usage: kubectl recall psql NAME [-n NS] [-- PSQL ARGUMENTS]\n\n' +
  'psql in the pipeline’s managed PostgreSQL, connected to its database as its owner; interactive\n' +
  'when run from a terminal. What follows -- goes to psql, e.g.\n' +
  "  kubectl recall psql NAME -- -c 'select count(*) from rappel_conso_table'\n\n" +
  GLOBAL_USAGE;

/** psql's command line in the server's container: the owner, over the local socket, in the pipeline's database. */
export function psqlCommandLine(ctx: PipelineContext, extra: readonly string[]): string[] {
  return ['psql', `--username=${MANAGED_POSTGRES_USER}`, `--dbname=${ctx.postgresConnection.database}`, ...extra];
}

/** The exit code of the exec'd command, from the Status the apiserver ends the exec with. */
export function exitCodeOf(status: V1Status | undefined): number | undefined {
  if (status === undefined) return undefined;
  if (status.status === 'Success') return 0;
  const code = status.details?.causes?.find((cause) => cause.reason === 'ExitCode')?.message;
  return code === undefined ? 1 : Number(code);
}

function ready(pod: V1Pod): boolean {
  return (
    pod.metadata?.deletionTimestamp === undefined &&
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True')
  );
}

async function serverPod(cluster: Cluster, ctx: PipelineContext): Promise<string> {
  const ref = pipelineRef(ctx.name, cluster.namespace);
  const selector = Object.entries(ctx.selector(POSTGRES_COMPONENT))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  let pods: V1Pod[];
  try {
    pods = (await cluster.core.listNamespacedPod({ namespace: cluster.namespace, labelSelector: selector })).items;
  } catch (error) {
    throw new PluginError(`${ref}: listing its PostgreSQL pods: ${apiErrorMessage(error)}`);
  }
  const pod = pods.find(ready);
  if (!pod) {
    const seen = pods.map((candidate) => `${candidate.metadata?.name} ${candidate.status?.phase ?? ''}`.trim());
    throw new PluginError(
      `${ref}: its PostgreSQL (StatefulSet ${ctx.postgresName}) has no ready pod${seen.length ? ` (${seen.join(', ')})` : ''}`,
    );
  }
  return pod.metadata!.name!;
}

export const psqlCommand: PluginCommand = {
  name: 'psql',
  usage: USAGE,
  async run(argv: readonly string[], io: PluginIo): Promise<number> {
    const { target, name, passThrough } = parseCommandLine('psql', argv, {}, { passThrough: true });
    const cluster = connect(target);
    const { ctx } = await readPipeline(cluster, name);
    if (ctx.postgres.mode !== 'managed') {
      const { host, port, database } = ctx.postgresConnection;
      throw new PluginError(
        `${pipelineRef(name, cluster.namespace)} uses an external PostgreSQL (${host}:${port}/${database}): kubectl recall psql needs the managed database; connect to that server with psql and the credentials of Secret "${ctx.spec.postgres.external!.secretRef.name}"`,
      );
    }
    const pod = await serverPod(cluster, ctx);
    const interactive = io.stdin.isTTY === true && io.stdout.isTTY === true;
    // A terminal's stdin is passed only to an interactive session: psql -c, run from a shell, must not wait on it.
    const stdin = interactive || !io.stdin.isTTY ? io.stdin : null;
    let status: V1Status | undefined;
    if (interactive) io.stdin.setRawMode(true);
    try {
      const socket = (await new Exec(cluster.config).exec(
        cluster.namespace,
        pod,
        POSTGRES_CONTAINER,
        psqlCommandLine(ctx, passThrough),
        io.stdout,
        // With a terminal, the remote side merges stderr into it.
        interactive ? null : io.stderr,
        stdin,
        interactive,
        (ended) => (status = ended),
      )) as unknown as OpenSocket;
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    } catch (error) {
      throw new PluginError(`${pipelineRef(name, cluster.namespace)}: psql in pod ${pod}: ${apiErrorMessage(error)}`);
    } finally {
      if (interactive) io.stdin.setRawMode(false);
    }
    const code = exitCodeOf(status);
    if (code === undefined) throw new PluginError(`psql in pod ${pod}: the connection closed before psql ended`);
    return code;
  },
};
