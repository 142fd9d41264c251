/**
 * The per-pipeline series on /metrics (names and help texts in charts/monitoring/pipeline-series.ts).
 * The reconciler hands over every status it computes, written or unchanged; the series are drawn
 * from that at scrape time, so a pipeline that is forgotten has no series left, and observing
 * costs no request.
 *
 * Only the leader reconciles, so only the leader knows current values: a replica that loses the
 * lease stops exporting (and forgets), rather than serve the last values it saw as if current.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { PHASES, RUNNERS } from '../contract/recall-pipeline/status-schema.ts';
import {
  PIPELINE_LABEL_NAMES,
  PIPELINE_SERIES,
  RUN_RESULTS,
  type SeriesName,
} from '../charts/monitoring/pipeline-series.ts';
import { nextPipelineHealth, type PipelineHealth, type StatusChange } from './pipeline-health.ts';
import { splitKey } from './pipeline-key.ts';

type PipelineLabel = (typeof PIPELINE_LABEL_NAMES)[number];
type PipelineLabels = Record<PipelineLabel, string>;

export class PipelineMetrics {
  readonly #known = new Map<string, PipelineHealth>();
  #exporting = true;

  constructor(registry: Registry) {
    const each = (visit: (labels: PipelineLabels, health: PipelineHealth) => void) => {
      if (!this.#exporting) return;
      for (const [key, health] of this.#known) {
        const { namespace, name } = splitKey(key);
        visit({ namespace, pipeline: name }, health);
      }
    };
    const gauge = (series: SeriesName, value: (health: PipelineHealth) => number | undefined) =>
      new Gauge({
        ...series,
        labelNames: PIPELINE_LABEL_NAMES,
        registers: [registry],
        collect() {
          this.reset();
          each((labels, health) => {
            const current = value(health);
            if (current !== undefined) this.set(labels, current);
          });
        },
      });

    gauge(PIPELINE_SERIES.ready, (health) => (health.ready ? 1 : 0));
    gauge(PIPELINE_SERIES.created, (health) => health.createdSeconds);
    gauge(PIPELINE_SERIES.tableRows, (health) => health.tableRows);
    gauge(PIPELINE_SERIES.lastSuccess, (health) => health.lastSuccessSeconds);
    gauge(PIPELINE_SERIES.lastRunSucceeded, ({ lastFinishedRun: run }) => run && (run.succeeded ? 1 : 0));
    gauge(PIPELINE_SERIES.lastRunDuration, ({ lastFinishedRun: run }) => run?.durationSeconds);
    gauge(PIPELINE_SERIES.lastRunProduced, ({ lastFinishedRun: run }) => run?.recordsProduced);
    gauge(PIPELINE_SERIES.lastRunLoaded, ({ lastFinishedRun: run }) => run?.recordsLoaded);
    gauge(PIPELINE_SERIES.lastRunDeadLettered, ({ lastFinishedRun: run }) => run?.recordsDeadLettered);

    new Gauge({
      ...PIPELINE_SERIES.phase,
      labelNames: [...PIPELINE_LABEL_NAMES, 'phase'],
      registers: [registry],
      collect() {
        this.reset();
        each((labels, health) => {
          if (health.phase === undefined) return;
          for (const phase of PHASES) this.set({ ...labels, phase }, phase === health.phase ? 1 : 0);
        });
      },
    });
    // Every result and runner from the start, at 0: a series that appears at 1 hides that first run from increase().
    new Counter({
      ...PIPELINE_SERIES.runs,
      labelNames: [...PIPELINE_LABEL_NAMES, 'result', 'runner'],
      registers: [registry],
      collect() {
        this.reset();
        each((labels, health) => {
          for (const result of RUN_RESULTS) {
            for (const runner of RUNNERS) this.inc({ ...labels, result, runner }, health.runsEnded[result][runner]);
          }
        });
      },
    });
  }

  /** Takes in the status one reconcile computed for the pipeline `key` (namespace/name). */
  observe(key: string, change: StatusChange): void {
    if (!this.#exporting) return;
    this.#known.set(key, nextPipelineHealth(this.#known.get(key), change));
  }

  /** The pipeline is gone: its series go too. */
  forget(key: string): void {
    this.#known.delete(key);
  }

  /** This replica reconciles (again): it observes and exports from now on. */
  startExporting(): void {
    this.#exporting = true;
  }

  /**
   * This replica no longer reconciles: it exports no per-pipeline series and forgets what it knew,
   * a reconcile that was still under way included.
   */
  stopExporting(): void {
    this.#exporting = false;
    this.#known.clear();
  }
}
