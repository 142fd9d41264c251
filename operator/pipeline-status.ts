/**
 * The status the operator writes, and whether it differs from what the pipeline already shows.
 * Status is written only when it changed, so a steady pipeline costs zero writes; both sides are
 * normalized through the status schema (the apiserver fills the same defaults) before comparing.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  recallPipelineStatusSchema,
  type Phase,
  type RecallPipelineStatus,
} from '../contract/recall-pipeline/status-schema.ts';
import { mergeConditions, type ObservedCondition } from './conditions.ts';
import type { LastRun } from './runs.ts';

/** metav1.Condition messages stop at 32768 characters. */
const MAX_MESSAGE = 32_768;

export interface Observation {
  generation: number | undefined;
  phase: Phase;
  conditions: readonly ObservedCondition[];
  lastRun: LastRun | undefined;
  /** From the latest producer report; the previous value stays when there is none. */
  checkpoint?: string;
  /** From the latest consumer report; the previous value stays when there is none. */
  totalRecordsLoaded?: number;
}

export function nextStatus(
  previous: RecallPipelineStatus | undefined,
  observation: Observation,
  now: Date,
): RecallPipelineStatus {
  const observed = observation.conditions.map((condition) => ({
    ...condition,
    message: condition.message.slice(0, MAX_MESSAGE),
    ...(observation.generation === undefined ? {} : { observedGeneration: observation.generation }),
  }));
  const checkpoint = observation.checkpoint ?? previous?.checkpoint;
  const totalRecordsLoaded = observation.totalRecordsLoaded ?? previous?.totalRecordsLoaded;
  const status: RecallPipelineStatus = {
    phase: observation.phase,
    ...(observation.generation === undefined ? {} : { observedGeneration: observation.generation }),
    conditions: mergeConditions(previous?.conditions, observed, now),
    ...(observation.lastRun ? { lastRun: observation.lastRun } : {}),
    ...(checkpoint === undefined ? {} : { checkpoint }),
    ...(totalRecordsLoaded === undefined ? {} : { totalRecordsLoaded }),
  };
  return normalized(status) ?? status;
}

/** The status as the apiserver would store it, or undefined when it does not match the schema. */
export function normalized(status: unknown): RecallPipelineStatus | undefined {
  const parsed = recallPipelineStatusSchema.safeParse(status ?? {});
  return parsed.success ? (JSON.parse(JSON.stringify(parsed.data)) as RecallPipelineStatus) : undefined;
}

export function sameStatus(live: unknown, next: RecallPipelineStatus): boolean {
  const current = normalized(live);
  return current !== undefined && isDeepStrictEqual(current, normalized(next));
}
