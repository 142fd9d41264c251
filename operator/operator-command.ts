/**
 * `recall operator`: runs the operator until SIGTERM or SIGINT, then stops informers, drains the
 * queue and hands the lease back, so another replica takes over at once. In a cluster the
 * Deployment's POD_NAME, POD_NAMESPACE and METRICS_PORT variables set its identity, lease namespace
 * and port; locally it runs against any kubeconfig.
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { dagSource } from '../airflow/dag-source.ts';
import { dnsLabel } from '../contract/recall-pipeline/field-formats.ts';
import { WATCH_NAMESPACES_ENV } from '../charts/operator-install.ts';
import type { Command } from '../src/cli/command.ts';
import { untilStopped } from '../src/cli/until-stopped.ts';
import { kubernetesSettings } from '../src/config/connection-settings.ts';
import { settingsError, type SettingsError } from '../src/config/settings-error.ts';
import { createLogger } from '../src/logging/logger.ts';
import { defaultElectionTimings } from './runtime/leader-election.ts';
import { DEFAULT_LEASE_NAME, startOperator } from './operator.ts';

const USAGE = `usage: recall operator [options]
  --kubeconfig FILE        kubeconfig to use (default: KUBECONFIG, ~/.kube/config, in-cluster)
  --namespace NS[,NS...]   watch and reconcile these namespaces only; repeatable (default:
                           ${WATCH_NAMESPACES_ENV}, a comma-separated list; empty: all namespaces)
  --concurrency N          pipelines reconciled at once (default 4)
  --metrics-port PORT      /healthz, /readyz and /metrics (default: METRICS_PORT or 9090; 0: any)
  --leader-elect           take a Lease before reconciling (default); --no-leader-elect to skip
  --lease-namespace NS     where the Lease lives (default: POD_NAMESPACE, else the first --namespace, else default)
  --lease-name NAME        the Lease's name (default ${DEFAULT_LEASE_NAME})
  --lease-duration S       seconds a lease holds without renewal (default 15)
  --renew-deadline S       seconds a leader may fail to renew before stepping down (default 10)
  --retry-period S         seconds between election attempts (default 2)
  --resync-period S        seconds between reconciles of every pipeline without events (default 600)
`;

const seconds = z.coerce.number({ message: 'expected a number of seconds' }).positive('expected more than 0 seconds');

const flagsSchema = z.object({
  concurrency: z.coerce
    .number()
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(64, 'expected at most 64'),
  'metrics-port': z.coerce
    .number()
    .int('expected a port number')
    .min(0, 'expected 0 to 65535')
    .max(65535, 'expected 0 to 65535'),
  'lease-duration': seconds,
  'renew-deadline': seconds,
  'retry-period': seconds,
  'resync-period': seconds,
});

/**
 * The namespaces of every `--namespace`, each a name or a comma-separated list, in order and once
 * each; undefined (every namespace) when there is none. `setting` names where they came from in
 * an error: the flag, or the Deployment's RECALL_WATCH_NAMESPACES.
 */
export function watchNamespaces(lists: readonly string[] = [], setting = '--namespace'): string[] | undefined {
  const names = lists.flatMap((list) => list.split(',')).map((name) => name.trim());
  for (const name of names) {
    const parsed = dnsLabel.safeParse(name);
    if (!parsed.success)
      throw settingsError(new z.ZodError(parsed.error.issues.map((issue) => ({ ...issue, path: [setting] }))), {
        [setting]: name,
      });
  }
  return names.length === 0 ? undefined : [...new Set(names)];
}

/** settingsError with the flags named as they are typed: `--concurrency="x": expected ...`. */
function flagsError(error: z.ZodError, values: Readonly<Record<string, unknown>>): SettingsError {
  const flag = (key: PropertyKey) => `--${String(key)}`;
  const issues = error.issues.map((issue) => ({
    ...issue,
    path: issue.path.map((key, index) => (index === 0 ? flag(key) : key)),
  }));
  return settingsError(
    new z.ZodError(issues),
    Object.fromEntries(Object.entries(values).map(([key, value]) => [flag(key), value])),
  );
}

export const operatorCommand: Command = {
  name: 'operator',
  usage: USAGE,

  async run(argv, env) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        kubeconfig: { type: 'string' },
        namespace: { type: 'string', multiple: true },
        concurrency: { type: 'string', default: '4' },
        'metrics-port': { type: 'string', default: env.METRICS_PORT ?? '9090' },
        'leader-elect': { type: 'boolean', default: true },
        'lease-namespace': { type: 'string' },
        'lease-name': { type: 'string', default: DEFAULT_LEASE_NAME },
        'lease-duration': { type: 'string', default: String(defaultElectionTimings().leaseDurationMs / 1000) },
        'renew-deadline': { type: 'string', default: String(defaultElectionTimings().renewDeadlineMs / 1000) },
        'retry-period': { type: 'string', default: String(defaultElectionTimings().retryPeriodMs / 1000) },
        'resync-period': { type: 'string', default: '600' },
      },
      allowNegative: true,
      strict: true,
    });
    const parsed = flagsSchema.safeParse(values);
    if (!parsed.success) throw flagsError(parsed.error, values);
    const flags = parsed.data;
    // The flag, else the install's variable (charts/operator-install.ts); empty: every namespace.
    const namespaces =
      values.namespace === undefined
        ? watchNamespaces(env[WATCH_NAMESPACES_ENV] ? [env[WATCH_NAMESPACES_ENV]] : [], WATCH_NAMESPACES_ENV)
        : watchNamespaces(values.namespace);
    if (flags['renew-deadline'] >= flags['lease-duration']) {
      throw new Error(
        `--renew-deadline=${flags['renew-deadline']} must be shorter than --lease-duration=${flags['lease-duration']}`,
      );
    }
    const log = createLogger('operator');
    const source = dagSource();
    const operator = await startOperator({
      kubeconfig: kubernetesSettings(env, { kubeconfig: values.kubeconfig }).kubeconfig,
      namespaces,
      concurrency: flags.concurrency,
      metricsPort: flags['metrics-port'],
      leaderElection: values['leader-elect'] && {
        namespace: values['lease-namespace'] ?? env.POD_NAMESPACE ?? namespaces?.[0] ?? 'default',
        leaseName: values['lease-name'],
        leaseDurationMs: flags['lease-duration'] * 1000,
        renewDeadlineMs: flags['renew-deadline'] * 1000,
        retryPeriodMs: flags['retry-period'] * 1000,
      },
      resyncPeriodMs: flags['resync-period'] * 1000,
      chartOptions: source === undefined ? {} : { dagSource: source },
      logger: log,
      processMetrics: true,
    });
    log.info({ port: operator.healthPort }, 'health and metrics server listening');
    await untilStopped(async (signal) => {
      await once(signal, 'abort');
      log.info({ reason: (signal.reason as Error).message }, 'shutting down');
      await operator.stop();
    });
    return 0;
  },
};
