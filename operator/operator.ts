/**
 * The operator, assembled: caches (informers) feed a keyed work queue, whose worker is the
 * reconciler; leader election decides whether this replica reconciles; an HTTP server answers
 * probes and serves metrics. `startOperator` runs it in-process (tests, `recall operator`).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { ContextOptions } from '../charts/pipeline-context.ts';
import { createLogger, type Logger } from '../src/logging/logger.ts';
import { loadClusterAccess, type ClusterAccess } from './runtime/cluster-access.ts';
import { EventRecorder } from './runtime/event-recorder.ts';
import { ExternalTopics } from './external-topics.ts';
import { startHealthServer, type HealthServer } from './runtime/health-server.ts';
import { KubeApi, WRITE_VERBS, type JsonObject } from './runtime/kube-api.ts';
import { defaultElectionTimings, LeaderElector, type LeaderElectionOptions } from './runtime/leader-election.ts';
import { createOperatorMetrics, type OperatorMetrics } from './metrics.ts';
import { OPERATOR_KINDS, PIPELINE_KIND } from './owned-kinds.ts';
import { PIPELINE_WATCHES } from './pipeline-watches.ts';
import { KubeCluster } from './runtime/cluster.ts';
import { kindKey } from './runtime/kinds.ts';
import { ObjectCaches } from './runtime/object-caches.ts';
import { ownerKey, pipelineKey } from './pipeline-key.ts';
import { Reconciler } from './reconciler.ts';
import { WorkQueue } from './runtime/work-queue.ts';

export const DEFAULT_LEASE_NAME = 'recall-pipeline-operator';

const WRITE_VERB_SET: ReadonlySet<string> = new Set<string>(WRITE_VERBS);

export interface OperatorOptions {
  /** A kubeconfig file, or access already resolved; KUBECONFIG, ~/.kube/config or in-cluster when unset. */
  kubeconfig?: string | ClusterAccess;
  /**
   * Watch and reconcile these namespaces, and request nothing of any other (the operator may hold
   * RoleBindings in these alone); every namespace when unset or empty.
   */
  namespaces?: readonly string[];
  /** Pipelines reconciled at once. */
  concurrency?: number;
  /** Port of /healthz, /readyz and /metrics (0: any free port); no server when unset. */
  metricsPort?: number;
  metricsHost?: string;
  /** Leader election on a Lease; every replica of one operator must use the same namespace and name. */
  leaderElection?: false | (Partial<LeaderElectionOptions> & { namespace: string });
  /** Every pipeline is reconciled at least this often, events or not. */
  resyncPeriodMs?: number;
  /** Informers relist this often, in case a watch went silent. */
  relistPeriodMs?: number;
  chartOptions?: ContextOptions;
  logger?: Logger;
  /** Node.js process metrics in /metrics (off in tests that run several operators in one process). */
  processMetrics?: boolean;
}

export interface RunningOperator {
  readonly identity: string;
  readonly metrics: OperatorMetrics;
  /** The port of the health and metrics server, when there is one. */
  readonly healthPort: number | undefined;
  isLeader(): boolean;
  /** Every cache has listed once. */
  isReady(): boolean;
  /** Queues every pipeline, as the periodic resync does. */
  resync(): void;
  /** Resolves when no reconcile is queued or running. */
  idle(): Promise<void>;
  /**
   * An object as the caches hold it: a pipeline, an object of a kind pipelines own, an Airflow step
   * pod. An event is queued as it reaches the cache, so once a write shows here, idle() also waits
   * for the reconcile it caused.
   */
  cached(kind: { apiVersion: string; kind: string }, namespace: string, name: string): JsonObject | undefined;
  /** Stops informers, drains the queue, releases the lease, closes the server. */
  stop(): Promise<void>;
}

export async function startOperator(options: OperatorOptions = {}): Promise<RunningOperator> {
  const log = options.logger ?? createLogger('operator');
  const access =
    typeof options.kubeconfig === 'object' ? options.kubeconfig : await loadClusterAccess(options.kubeconfig);
  const metrics = createOperatorMetrics({ processMetrics: options.processMetrics ?? false });
  const identity = `${process.env.POD_NAME ?? os.hostname()}-${randomBytes(3).toString('hex')}`;
  const api = new KubeApi(access, {
    kinds: OPERATOR_KINDS,
    onRequest: (verb) => {
      metrics.apiRequests.inc({ verb });
      if (WRITE_VERB_SET.has(verb)) metrics.apiWrites.inc({ verb });
    },
  });
  const topics = new ExternalTopics(log);
  const electionEnabled = options.leaderElection !== undefined && options.leaderElection !== false;
  let leading = !electionEnabled;
  let stopping = false;

  const queue = new WorkQueue(
    async (key) => {
      // A replica that lost the lease stops at once: queued keys are dropped, not reconciled.
      if (!leading || stopping) return;
      const end = metrics.reconcileDuration.startTimer();
      try {
        await reconciler.reconcile(key);
        metrics.reconciles.inc({ result: 'success' });
      } catch (error) {
        metrics.reconciles.inc({ result: 'error' });
        throw error;
      } finally {
        end();
      }
    },
    { concurrency: options.concurrency ?? 4 },
    {
      depth: (waiting) => metrics.queueDepth.set(waiting),
      failed: (key, error, retryInMs) => {
        metrics.reconcileErrors.inc();
        log.warn({ pipeline: key, err: error, retryInMs }, 'reconcile failed; retrying');
      },
    },
  );

  const enqueue = (key: string | undefined) => {
    if (key !== undefined && leading && caches.synced) queue.add(key);
  };
  const enqueueAll = () => {
    if (!leading || !caches.synced) return;
    for (const pipeline of caches.list(PIPELINE_KIND)) {
      queue.add(pipelineKey(pipeline.metadata!.namespace!, pipeline.metadata!.name!));
    }
  };
  const caches: ObjectCaches = new ObjectCaches(
    access,
    api,
    PIPELINE_WATCHES,
    {
      onEvent: (kind, object, deleted) => {
        metrics.watchEvents.inc({ kind: kind.kind });
        if (kindKey(kind) !== kindKey(PIPELINE_KIND)) return enqueue(ownerKey(object));
        const key = pipelineKey(object.metadata!.namespace!, object.metadata!.name!);
        if (deleted) {
          queue.forget(key);
          reconciler.forget(key);
        }
        enqueue(key);
      },
      onError: (what, error, restartInMs) =>
        log.warn({ err: error, informer: what, restartInMs }, 'informer restarting'),
    },
    {
      namespaces: options.namespaces,
      ...(options.relistPeriodMs === undefined ? {} : { relistPeriodMs: options.relistPeriodMs }),
    },
  );
  const cluster = new KubeCluster(api, caches, new EventRecorder(api, identity, log));
  const reconciler = new Reconciler({
    cluster,
    topics,
    log,
    chartOptions: options.chartOptions ?? {},
    requeueAfter: (key, delayMs) => queue.addAfter(key, delayMs),
    pipelineMetrics: metrics.pipelines,
  });

  let health: HealthServer | undefined;
  if (options.metricsPort !== undefined) {
    health = await startHealthServer(
      options.metricsPort,
      { live: () => !stopping, ready: () => caches.synced },
      metrics.registry,
      options.metricsHost,
    );
  }

  let elector: LeaderElector | undefined;
  if (electionEnabled && options.leaderElection) {
    // Its own client: lease renewals are the election's traffic, not reconciles', and stay out of the request metrics.
    elector = new LeaderElector(
      new KubeApi(access),
      { leaseName: DEFAULT_LEASE_NAME, identity, ...defaultElectionTimings(), ...options.leaderElection },
      {
        onStartedLeading: () => {
          leading = true;
          metrics.leader.set(1);
          metrics.pipelines.startExporting();
          log.info({ identity }, 'leading: reconciling');
          enqueueAll();
        },
        onStoppedLeading: () => {
          leading = false;
          metrics.leader.set(0);
          metrics.pipelines.stopExporting();
          log.warn({ identity }, 'no longer leading: reconciling stopped');
        },
        onError: (error) => log.warn({ err: error }, 'leader election'),
      },
    );
  } else {
    metrics.leader.set(1);
  }

  const watched = options.namespaces?.length ? options.namespaces.join(',') : '(all)';
  await caches.start();
  const syncWait = setInterval(() => {
    if (!caches.synced) return;
    clearInterval(syncWait);
    log.info({ namespaces: watched }, 'caches synced');
    enqueueAll();
  }, 100);
  const resync = setInterval(enqueueAll, options.resyncPeriodMs ?? 10 * 60_000);
  resync.unref();
  elector?.start();
  log.info({ identity, namespaces: watched, leaderElection: electionEnabled }, 'operator started');

  return {
    identity,
    metrics,
    healthPort: health?.port,
    isLeader: () => leading,
    isReady: () => caches.synced,
    resync: enqueueAll,
    idle: () => queue.idle(),
    cached: (kind, namespace, name) => cluster.cached(kind, namespace, name),
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(syncWait);
      clearInterval(resync);
      await caches.stop();
      await queue.shutdown();
      await elector?.release();
      leading = false;
      metrics.leader.set(0);
      metrics.pipelines.stopExporting();
      await topics.close();
      await health?.close();
      log.info({ identity }, 'operator stopped');
    },
  };
}
