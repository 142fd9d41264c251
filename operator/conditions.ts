/**
 * Status conditions in the standard metav1.Condition shape. lastTransitionTime moves only when a
 * condition's status changes, so writing the same observations twice yields the same status: that
 * is what lets the operator skip status writes for a steady pipeline.
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export type ObservedCondition = Omit<Condition, 'lastTransitionTime'>;

/** The conditions after observing `observed`, keeping transition times of unchanged statuses. */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  observed: readonly ObservedCondition[],
  now: Date,
): Condition[] {
  return observed.map((condition) => {
    const before = previous?.find((candidate) => candidate.type === condition.type);
    const lastTransitionTime =
      before && before.status === condition.status ? before.lastTransitionTime : rfc3339Seconds(now);
    return { ...condition, lastTransitionTime };
  });
}

/** metav1.Time has a resolution of seconds. */
function rfc3339Seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
