/**
 * `kubectl recall status NAME`: what `kubectl describe rp` spreads over a page, in the order users
 * ask it (is it healthy, how did the last run go, what is loaded, where is Airflow), from the
 * status alone: one request.
 */
import { AIRFLOW_API_PORT, airflowObjectNames } from '../charts/airflow-construct.ts';
import { RUN_NOW_ANNOTATION } from '../contract/recall-pipeline/group.ts';
import {
  CONDITION_TYPES,
  type Condition,
  type RecallPipelineStatus,
} from '../contract/recall-pipeline/status-schema.ts';
import { runJobName } from '../charts/jobs-construct.ts';
import { parseCommandLine, GLOBAL_USAGE } from './command-line.ts';
import { connect } from './cluster-access.ts';
import { formatAge, formatElapsed } from './durations.ts';
import type { PluginCommand, PluginIo } from './plugin-command.ts';
import { readPipeline, type FoundPipeline } from './read-pipeline.ts';

type LastRun = NonNullable<RecallPipelineStatus['lastRun']>;

const USAGE =
  'usage: kubectl recall status NAME [-n NS]\n\n' +
  'The pipeline’s phase and conditions, its last run with its counts, the checkpoint, the rows in\n' +
  'its table, and where Airflow’s UI is when spec.airflow is enabled.\n\n' +
  GLOBAL_USAGE;

export const statusCommand: PluginCommand = {
  name: 'status',
  usage: USAGE,
  async run(argv: readonly string[], io: PluginIo): Promise<number> {
    const { target, name } = parseCommandLine('status', argv, {});
    const cluster = connect(target);
    io.stdout.write(formatStatus(await readPipeline(cluster, name), new Date()));
    return 0;
  },
};

/** Aligned `Label: value` lines. */
function fields(rows: readonly (readonly [string, string] | undefined)[], indent = ''): string[] {
  const present = rows.filter((row) => row !== undefined);
  const width = Math.max(...present.map(([label]) => label.length)) + 1;
  return present.map(([label, value]) => `${indent}${`${label}:`.padEnd(width)}  ${value}`);
}

function table(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    `${indent}${cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('   ')}`;
  return [line(header), ...rows.map(line)];
}

function age(timestamp: string | undefined, now: Date): string {
  const at = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  return Number.isNaN(at) ? '-' : formatAge(now.getTime() - at);
}

function conditionRows(conditions: readonly Condition[], now: Date): string[][] {
  const order = (type: string) => {
    const index = (CONDITION_TYPES as readonly string[]).indexOf(type);
    return index === -1 ? CONDITION_TYPES.length : index;
  };
  return [...conditions]
    .sort((a, b) => order(a.type) - order(b.type))
    .map((condition) => [
      condition.type,
      condition.status,
      condition.reason,
      age(condition.lastTransitionTime, now),
      condition.message,
    ]);
}

function runOrigin(run: LastRun): string {
  if (run.runner === 'Airflow') return `Airflow, DAG run ${run.airflowRunId ?? '?'}`;
  return run.trigger === undefined ? 'Jobs, on create' : `Jobs, run-now "${run.trigger}"`;
}

function runResult(run: LastRun): string {
  if (run.completionTime === undefined) return 'running';
  return run.succeeded ? 'succeeded' : 'failed';
}

function lastRunLines(found: FoundPipeline, run: LastRun, now: Date): string[] {
  const started = Date.parse(run.startTime);
  const ended = run.completionTime === undefined ? undefined : Date.parse(run.completionTime);
  const jobs =
    run.runner === 'Airflow'
      ? undefined
      : `${runJobName(found.ctx, 'produce', run.number)}, ${runJobName(found.ctx, 'consume', run.number)}`;
  return [
    `Last run: ${run.number} (${runOrigin(run)}): ${runResult(run)}`,
    ...fields(
      [
        ['Started', `${run.startTime} (${age(run.startTime, now)} ago)`],
        ended === undefined
          ? ['Running for', formatElapsed(now.getTime() - started)]
          : ['Completed', `${run.completionTime} (took ${formatElapsed(ended - started)})`],
        [
          'Records',
          `${run.recordsProduced} produced, ${run.recordsLoaded} loaded, ${run.recordsDeadLettered} dead-lettered`,
        ],
        jobs === undefined ? undefined : ['Jobs', jobs],
      ],
      '  ',
    ),
  ];
}

/** The run asked for with the run-now annotation that the status does not show as answered yet. */
function pendingRequest(found: FoundPipeline): string | undefined {
  const requested = found.object.metadata.annotations?.[RUN_NOW_ANNOTATION];
  if (requested === undefined || requested === found.status.lastRun?.trigger) return undefined;
  return found.pipeline.spec.suspend
    ? `run-now "${requested}" waits until spec.suspend is false`
    : `run-now "${requested}" not started yet`;
}

export function formatStatus(found: FoundPipeline, now: Date): string {
  const { object, pipeline, ctx, status } = found;
  const { spec } = pipeline;
  const { name, namespace } = object.metadata;
  const generation = object.metadata.generation;
  const lines = fields([
    ['RecallPipeline', name],
    ['Namespace', namespace],
    ['Phase', status.phase ?? 'unknown (not reconciled yet)'],
    spec.suspend ? ['Suspended', 'yes (spec.suspend): no run starts'] : undefined,
    generation === undefined
      ? undefined
      : [
          'Generation',
          status.observedGeneration === generation
            ? `${generation} (reconciled)`
            : `${generation} (the operator last reconciled ${status.observedGeneration ?? 'none'})`,
        ],
  ]);

  lines.push('', 'Conditions:');
  const conditions = status.conditions ?? [];
  if (conditions.length === 0) lines.push('  none yet');
  else lines.push(...table(['TYPE', 'STATUS', 'REASON', 'SINCE', 'MESSAGE'], conditionRows(conditions, now)));

  lines.push('');
  if (status.lastRun) lines.push(...lastRunLines(found, status.lastRun, now));
  else lines.push('Last run: none yet');
  const pending = pendingRequest(found);
  if (pending) lines.push(...fields([['Requested', pending]], '  '));

  const database =
    ctx.postgres.mode === 'managed'
      ? `database ${spec.postgres.database} (managed, Service ${ctx.postgresName})`
      : `database ${spec.postgres.database} on ${ctx.postgresConnection.host}:${ctx.postgresConnection.port} (external)`;
  lines.push(
    '',
    ...fields([
      ['Checkpoint', status.checkpoint ?? 'none yet (the next run reads from the start)'],
      [
        'Table',
        `${spec.postgres.table}, ${database}: ${
          status.totalRecordsLoaded === undefined ? 'no run has loaded it yet' : `${status.totalRecordsLoaded} records`
        }`,
      ],
      ['Topic', `${ctx.topic} (dead letters: ${ctx.deadLetterTopic})`],
    ]),
  );

  lines.push('');
  if (spec.airflow.enabled) {
    const names = airflowObjectNames(ctx.name);
    const namespaceFlag = `-n ${namespace}`;
    lines.push(
      ...fields([
        ['Airflow', `schedule ${spec.airflow.schedule}${spec.suspend ? ', DAG paused (spec.suspend)' : ''}`],
        ['Airflow UI', `Service ${names.api}, port ${AIRFLOW_API_PORT}; login in Secret ${names.login}`],
        ['Open it with', `kubectl recall airflow ${name} ${namespaceFlag}`],
      ]),
    );
  } else {
    lines.push(
      ...fields([['Airflow', 'not enabled (spec.airflow.enabled is false): runs on create and run-now only']]),
    );
  }
  return `${lines.join('\n')}\n`;
}
