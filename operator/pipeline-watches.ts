/**
 * What the operator caches: every RecallPipeline; the objects of the kinds pipelines own, selected
 * on the operator's managed-by label so only pipelines' objects are held; and the pods Airflow's
 * DAG runs leave (operator/airflow-runs.ts), and only those.
 */
import { AIRFLOW_STEP_POD } from '../charts/airflow-dag.ts';
import { MANAGED_BY, PIPELINE_ANNOTATION } from '../charts/labels.ts';
import { AIRFLOW_STEP_POD_KIND, OWNED_KINDS, PIPELINE_KIND } from './owned-kinds.ts';
import type { Cluster } from './runtime/cluster.ts';
import type { JsonObject } from './runtime/kube-api.ts';
import type { Watch } from './runtime/object-caches.ts';

export const MANAGED_BY_SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;

export const AIRFLOW_STEP_POD_SELECTOR = `${MANAGED_BY_SELECTOR},${AIRFLOW_STEP_POD.selector}`;

export const PIPELINE_WATCHES: readonly Watch[] = [
  { kind: PIPELINE_KIND, name: 'RecallPipeline' },
  { kind: AIRFLOW_STEP_POD_KIND, labelSelector: AIRFLOW_STEP_POD_SELECTOR, name: 'Airflow step Pod' },
  ...OWNED_KINDS.map((kind) => ({ kind, labelSelector: MANAGED_BY_SELECTOR })),
];

/** The pods of the pipeline's DAG runs that Airflow left for the operator to read. */
export function airflowStepPods(cluster: Cluster, namespace: string, pipeline: string): JsonObject[] {
  return cluster
    .cachedList(AIRFLOW_STEP_POD_KIND, namespace)
    .filter((pod) => pod.metadata?.annotations?.[PIPELINE_ANNOTATION] === pipeline);
}
