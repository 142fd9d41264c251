/**
 * One reconcile of one RecallPipeline, from the caches:
 *
 * 1. read the pipeline; validate it (an invalid spec gets Ready=False/InvalidSpec and an Event,
 *    and no retry: only a new spec can fix it);
 * 2. synthesize its objects with the charts; apply each one whose live copy differs (server-side
 *    apply, forced, one field manager); create-only Secrets are created once with fresh values;
 * 3. observe the children and advance the run (producer Job, then consumer Job), or follow the
 *    run Airflow started from its pods, whose reports reach the status the same way;
 * 4. prune the objects this pipeline owned that are no longer desired, found by the operator's own
 *    labels and the pipeline's controller reference, never anything else;
 * 5. write the status, only when it changed; then delete the pods of a finished Airflow run it shows.
 *
 * Every namespaced child has a controller owner reference to the pipeline, so deleting the
 * pipeline deletes them through Kubernetes' garbage collector: no finalizer (see
 * docs/decisions/0002-operator-design.md). The exception is the generated Secrets that unlock a
 * retained database: unowned, they outlive the pipeline, are never pruned, and a pipeline created
 * again under the same name finds them in the cache and keeps their values.
 */
import { API_GROUP_VERSION, KIND } from '../contract/recall-pipeline/group.ts';
import { InvalidRecallPipelineError, parseRecallPipeline } from '../contract/recall-pipeline/recall-pipeline.ts';
import type { Phase, RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import { keysToGenerate } from '../charts/generated-secret.ts';
import { runJobName, type RunStep } from '../charts/jobs-construct.ts';
import { RUN_LABEL } from '../charts/labels.ts';
import { pipelineObjects, runJob, type KubernetesObject } from '../charts/pipeline-chart.ts';
import { pipelineContext, type ContextOptions, type PipelineContext } from '../charts/pipeline-context.ts';
import { pipelineTopics } from '../charts/topics.ts';
import type { Logger } from '../src/logging/logger.ts';
import type { ObservedCondition } from './conditions.ts';
import { desiredMatchesLive } from './runtime/desired-matches-live.ts';
import type { ExternalTopics } from './external-topics.ts';
import type { Cluster } from './runtime/cluster.ts';
import { isApiError, type JsonObject } from './runtime/kube-api.ts';
import { kindKey } from './runtime/kinds.ts';
import {
  airflowCondition,
  databaseCondition,
  kafkaCondition,
  readyCondition,
  type ExternalTopicsState,
} from './observe-children.ts';
import { JOB_KIND, OWNED_KINDS, PIPELINE_KIND } from './owned-kinds.ts';
import { airflowStepPods } from './pipeline-watches.ts';
import { nextStatus, normalized, sameStatus, type Observation } from './pipeline-status.ts';
import { ownerKey, pipelineKey, splitKey } from './pipeline-key.ts';
import type { PipelineMetrics } from './pipeline-metrics.ts';
import { ownershipChange } from './retained-owner.ts';
import { airflowDoneWith, airflowRuns, airflowRunToRecord, lostAirflowRun, planAirflowRun } from './airflow-runs.ts';
import { readRunReport, withReports, type RunReports } from './run-reports.ts';
import { jobOutcome, planRun, requestedRun, type LastRun, type RunPlan } from './runs.ts';
import { generateSecretData } from './secret-values.ts';

/** How soon to look again at what only polling reveals (an external Kafka's topics). */
const EXTERNAL_RECHECK_MS = 30_000;
/** How soon to recreate a Job deleted because its immutable template changed. */
const REPLACED_JOB_RECHECK_MS = 1_000;

export interface ReconcilerDeps {
  cluster: Cluster;
  topics: Pick<ExternalTopics, 'ensure'>;
  log: Logger;
  chartOptions: ContextOptions;
  requeueAfter: (key: string, delayMs: number) => void;
  pipelineMetrics: PipelineMetrics;
}

/** The last status this replica wrote, and the resourceVersion it was based on. */
interface WrittenStatus {
  basedOn: string | undefined;
  status: RecallPipelineStatus;
}

function describe(object: { kind?: string; metadata?: { name?: string } }): string {
  return `${object.kind}/${object.metadata?.name}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #written = new Map<string, WrittenStatus>();

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
  }

  /** Drops what is remembered about a pipeline that is gone. */
  forget(key: string): void {
    this.#written.delete(key);
    this.#deps.pipelineMetrics.forget(key);
  }

  async reconcile(key: string): Promise<void> {
    const { cluster } = this.#deps;
    const { namespace, name } = splitKey(key);
    // The cache's copy, with the apiVersion and kind that Events and owner references need.
    const pipeline = cluster.cached(PIPELINE_KIND, namespace, name);
    if (!pipeline || pipeline.metadata?.deletionTimestamp) {
      // The garbage collector deletes the children through their owner references.
      this.forget(key);
      return;
    }
    let ctx: PipelineContext;
    let desired: KubernetesObject[];
    try {
      // Parsed once; everything below works from this context.
      ctx = pipelineContext(parseRecallPipeline(pipeline), this.#deps.chartOptions);
      desired = pipelineObjects(ctx);
    } catch (error) {
      if (error instanceof InvalidRecallPipelineError) return this.#invalidSpec(key, pipeline, error);
      throw error;
    }

    const failures = await this.#applyAll(pipeline, desired);
    const external = await this.#externalTopics(key, ctx);
    const live = (object: KubernetesObject) =>
      cluster.cached(object, object.metadata.namespace ?? namespace, object.metadata.name);
    const infrastructure = [
      kafkaCondition(ctx, desired, live, external),
      databaseCondition(ctx, desired, live),
      airflowCondition(ctx, desired, live),
    ];
    const ready: ObservedCondition =
      failures.length > 0
        ? { type: 'Ready', status: 'False', reason: 'ApplyFailed', message: failures.join('; ') }
        : readyCondition(infrastructure);

    const previous = this.#previousStatus(key, pipeline);
    const lastRun = await this.#advanceRun(pipeline, ctx, previous?.lastRun, ready.status === 'True');
    await this.#prune(pipeline, desired, lastRun.lastRun?.number);

    const phase = phaseOf(ctx.spec.suspend, ready, lastRun.lastRun);
    await this.#writeStatus(key, pipeline, previous, {
      generation: pipeline.metadata?.generation,
      phase,
      conditions: [ready, ...infrastructure, lastRun.condition],
      lastRun: lastRun.lastRun,
      checkpoint: lastRun.reports?.produce?.checkpoint,
      totalRecordsLoaded: lastRun.reports?.consume?.tableRows,
    });
    await this.#deleteShownAirflowPods(ctx, lastRun.lastRun);
    if (failures.length > 0) {
      await cluster.record(pipeline, 'Warning', 'ApplyFailed', failures.join('; '));
      throw new Error(`${key}: ${failures.length} object(s) could not be applied: ${failures.join('; ')}`);
    }
  }

  /** Applies what differs from the cache; returns the failures, one line each. */
  async #applyAll(pipeline: JsonObject, desired: readonly KubernetesObject[]): Promise<string[]> {
    const { cluster } = this.#deps;
    const applied: string[] = [];
    const failures: string[] = [];
    for (const object of desired) {
      const namespace = object.metadata.namespace!;
      const live = cluster.cached(object, namespace, object.metadata.name);
      try {
        const generate = keysToGenerate(object);
        if (generate) {
          // Create-only: generated once, never re-applied, so a password is never replaced.
          if (!live && (await this.#createIfAbsent({ ...object, stringData: generateSecretData(generate) }))) {
            applied.push(describe(object));
          }
          const owner = live && ownershipChange(object, live, pipeline.metadata?.uid);
          if (owner) {
            await cluster.mergePatch(live, owner.patch);
            applied.push(`${describe(object)} (${owner.change})`);
          }
          continue;
        }
        if (live && desiredMatchesLive(object, live)) continue;
        await cluster.apply(object);
        applied.push(describe(object));
      } catch (error) {
        if (object.kind === 'Job' && live && isApiError(error, 422)) {
          // A Job's pod template is immutable: replace the Job; the next reconcile creates it anew.
          await cluster.delete(live);
          this.#deps.requeueAfter(pipelineKey(namespace, pipeline.metadata!.name!), REPLACED_JOB_RECHECK_MS);
          applied.push(`${describe(object)} (replaced)`);
          continue;
        }
        failures.push(`${describe(object)}: ${errorText(error)}`);
      }
    }
    if (applied.length > 0) {
      await cluster.record(pipeline, 'Normal', 'Applied', `applied ${applied.length} object(s): ${applied.join(', ')}`);
    }
    return failures;
  }

  /** Creates `object`; false when it already exists (a cache that has not seen it yet). */
  async #createIfAbsent(object: JsonObject): Promise<boolean> {
    try {
      await this.#deps.cluster.create(object);
      return true;
    } catch (error) {
      if (isApiError(error, 409)) return false;
      throw error;
    }
  }

  async #externalTopics(key: string, ctx: PipelineContext): Promise<ExternalTopicsState | undefined> {
    if (ctx.kafka.mode !== 'external') return undefined;
    const state = await this.#deps.topics.ensure(ctx.bootstrapServers, pipelineTopics(ctx));
    if (!state.ready) this.#deps.requeueAfter(key, EXTERNAL_RECHECK_MS);
    return state;
  }

  /**
   * Starts, follows and finishes runs (runs.ts decides). The run's Jobs are created here, the
   * producer's first; a running Job follows spec.suspend.
   */
  async #advanceRun(
    pipeline: JsonObject,
    ctx: PipelineContext,
    lastRun: LastRun | undefined,
    ready: boolean,
  ): Promise<RunPlan & { reports?: RunReports }> {
    const now = new Date();
    const uid = pipeline.metadata?.uid;
    const jobOf = (step: RunStep, run: number): JsonObject | undefined => {
      const job = this.#deps.cluster.cached(JOB_KIND, ctx.namespace, runJobName(ctx, step, run));
      return job && controlledBy(job, uid) ? job : undefined;
    };
    const airflow = this.#airflowPlan(ctx, lastRun, now);
    if (airflow) {
      if (airflow.event) {
        await this.#deps.cluster.record(pipeline, airflow.event.type, airflow.event.reason, airflow.event.message);
      }
      return airflow;
    }
    const plan = planRun({
      lastRun,
      requested: requestedRun(pipeline, lastRun, ctx.spec.jobs.runOnCreate),
      suspended: ctx.spec.suspend,
      ready,
      outcome: (step) => (lastRun ? jobOutcome(jobOf(step, lastRun.number), now) : { state: 'absent' }),
      now,
    });
    const current = plan.lastRun;
    if (current && plan.ensure) {
      const job = runJob(ctx, plan.ensure, current.number);
      if (!(await this.#createIfAbsent(job))) {
        const existing = await this.#deps.cluster.get(JOB_KIND, ctx.namespace, job.metadata.name);
        if (!controlledBy(existing, uid)) {
          throw new Error(
            `Job ${job.metadata.name} exists and is not this pipeline's (an earlier pipeline of the same name?); waiting for it to go`,
          );
        }
      }
    }
    if (current && current.completionTime === undefined) {
      for (const step of ['produce', 'consume'] as const) {
        const job = jobOf(step, current.number);
        const suspended = (job?.spec as { suspend?: boolean } | undefined)?.suspend ?? false;
        if (job && jobOutcome(job, now).state === 'running' && suspended !== ctx.spec.suspend) {
          await this.#deps.cluster.mergePatch(job, { spec: { suspend: ctx.spec.suspend } });
        }
      }
    }
    if (plan.event) await this.#deps.cluster.record(pipeline, plan.event.type, plan.event.reason, plan.event.message);
    if (current && plan.reportsToRead?.length) {
      const reports: RunReports = {};
      for (const step of plan.reportsToRead) {
        const report = await readRunReport(this.#deps.cluster, ctx.namespace, runJobName(ctx, step, current.number));
        if (report?.step === 'produce') reports.produce = report;
        if (report?.step === 'consume') reports.consume = report;
      }
      return { ...plan, lastRun: withReports(current, reports), reports };
    }
    return plan;
  }

  /**
   * The run Airflow started, when there is one to show: the status follows it like a run of Jobs
   * (airflow-runs.ts). A run of Jobs under way comes first; Airflow's pods wait in the cache.
   */
  #airflowPlan(
    ctx: PipelineContext,
    lastRun: LastRun | undefined,
    now: Date,
  ): (RunPlan & { reports?: RunReports }) | undefined {
    if (lastRun && lastRun.completionTime === undefined && lastRun.runner !== 'Airflow') return undefined;
    const run = airflowRunToRecord(lastRun, airflowRuns(airflowStepPods(this.#deps.cluster, ctx.namespace, ctx.name)));
    if (run) return { ...planAirflowRun(lastRun, run), reports: run.reports };
    if (lastRun?.runner === 'Airflow' && lastRun.completionTime === undefined) return lostAirflowRun(lastRun, now);
    return undefined;
  }

  /** Once a finished Airflow run is in the status, its pods have told all they had to. */
  async #deleteShownAirflowPods(ctx: PipelineContext, lastRun: LastRun | undefined): Promise<void> {
    if (lastRun?.runner !== 'Airflow' || lastRun.completionTime === undefined) return;
    const shown = airflowRuns(airflowStepPods(this.#deps.cluster, ctx.namespace, ctx.name)).find(
      (run) => run.id === lastRun.airflowRunId,
    );
    // A pod Airflow is not done with is a retry of a step after all: it stays until it is.
    for (const pod of (shown?.pods ?? []).filter(airflowDoneWith)) {
      try {
        await this.#deps.cluster.delete(pod);
      } catch (error) {
        if (!isApiError(error, 404)) throw error;
      }
    }
  }

  /** Deletes this pipeline's objects that are no longer desired, and the Jobs of earlier runs. */
  async #prune(
    pipeline: JsonObject,
    desired: readonly KubernetesObject[],
    currentRun: number | undefined,
  ): Promise<void> {
    const namespace = pipeline.metadata!.namespace!;
    const key = pipelineKey(namespace, pipeline.metadata!.name!);
    const wanted = new Set(desired.map((object) => `${kindKey(object)}/${object.metadata.name}`));
    const pruned: string[] = [];
    for (const kind of OWNED_KINDS) {
      for (const live of this.#deps.cluster.cachedList(kind, namespace)) {
        if (ownerKey(live) !== key || !controlledBy(live, pipeline.metadata?.uid)) continue;
        if (wanted.has(`${kindKey(kind)}/${live.metadata?.name}`)) continue;
        const run = live.metadata?.labels?.[RUN_LABEL];
        if (run !== undefined && run === String(currentRun)) continue;
        try {
          await this.#deps.cluster.delete(live);
          pruned.push(describe(live));
        } catch (error) {
          if (!isApiError(error, 404) && !isApiError(error, 409)) throw error;
        }
      }
    }
    if (pruned.length > 0) {
      await this.#deps.cluster.record(
        pipeline,
        'Normal',
        'Pruned',
        `deleted ${pruned.length} object(s) no longer desired: ${pruned.join(', ')}`,
      );
    }
  }

  async #invalidSpec(key: string, pipeline: JsonObject, error: InvalidRecallPipelineError): Promise<void> {
    const previous = this.#previousStatus(key, pipeline);
    const others = (previous?.conditions ?? [])
      .filter((condition) => condition.type !== 'Ready')
      .map(({ type, status, reason, message }) => ({ type, status, reason, message }));
    const wrote = await this.#writeStatus(key, pipeline, previous, {
      generation: pipeline.metadata?.generation,
      phase: 'Failed',
      conditions: [{ type: 'Ready', status: 'False', reason: 'InvalidSpec', message: error.message }, ...others],
      lastRun: previous?.lastRun,
    });
    // Only a new spec can fix it, and a new spec triggers a reconcile: no retry, no Event storm.
    if (wrote) await this.#deps.cluster.record(pipeline, 'Warning', 'InvalidSpec', error.message);
  }

  /** The pipeline's status, or what this replica wrote if the cache has not caught up with it yet. */
  #previousStatus(key: string, pipeline: JsonObject): RecallPipelineStatus | undefined {
    const written = this.#written.get(key);
    if (written && written.basedOn === pipeline.metadata?.resourceVersion) return written.status;
    return normalized(pipeline.status);
  }

  /** Writes the status when it changed; true when it wrote. Emits an Event when Ready flips. */
  async #writeStatus(
    key: string,
    pipeline: JsonObject,
    previous: RecallPipelineStatus | undefined,
    observation: Observation,
  ): Promise<boolean> {
    const status = nextStatus(previous, observation, new Date());
    // Observed once the status stands, unchanged or written: a write that failed is retried, and
    // a run it ended is counted by the retry that writes it.
    const observe = () =>
      this.#deps.pipelineMetrics.observe(key, {
        previous,
        status,
        creationTimestamp: pipeline.metadata?.creationTimestamp,
      });
    if (previous && sameStatus(previous, status)) {
      observe();
      return false;
    }
    const { name, namespace } = pipeline.metadata as { name: string; namespace: string };
    await this.#deps.cluster.applyStatus(PIPELINE_KIND, {
      apiVersion: API_GROUP_VERSION,
      kind: KIND,
      metadata: { name, namespace },
      status,
    });
    this.#written.set(key, { basedOn: pipeline.metadata?.resourceVersion, status });
    observe();
    const readyBefore = previous?.conditions?.find((condition) => condition.type === 'Ready');
    const readyNow = status.conditions?.find((condition) => condition.type === 'Ready');
    // Becoming ready, and ceasing to be, are news; not being ready yet while provisioning is not.
    if (readyNow?.status === 'True' && readyBefore?.status !== 'True') {
      await this.#deps.cluster.record(pipeline, 'Normal', 'Ready', readyNow.message);
    } else if (readyBefore?.status === 'True' && readyNow?.status === 'False' && readyNow.reason !== 'InvalidSpec') {
      await this.#deps.cluster.record(pipeline, 'Warning', readyNow.reason, readyNow.message);
    }
    return true;
  }
}

function controlledBy(object: JsonObject, uid: string | undefined): boolean {
  return (
    uid !== undefined && (object.metadata?.ownerReferences ?? []).some((owner) => owner.controller && owner.uid === uid)
  );
}

function phaseOf(suspended: boolean, ready: ObservedCondition, lastRun: LastRun | undefined): Phase {
  if (suspended) return 'Suspended';
  if (ready.status !== 'True') return 'Provisioning';
  if (lastRun && lastRun.completionTime === undefined) return 'Running';
  if (lastRun?.succeeded === false) return 'Failed';
  return 'Ready';
}
