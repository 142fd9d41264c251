/**
 * Where the DAG goes. Its Python source lives in DAG_SOURCE_FILE (airflow/dag-source.ts), tested
 * under real Airflow by test/integration/airflow-dag.test.ts (docs/decisions/0003-airflow-dag.md);
 * the charts only carry its text, handed to them by airflow/dag-source.ts, into the dags ConfigMap
 * under DAG_FILE_NAME. A builder called without the text (unit tests) puts PLACEHOLDER_DAG there
 * instead, which defines no DAG.
 */
import { DAG_SOURCE_FILE } from '../airflow/dag-source.ts';

export const DAG_FILE_NAME = 'recall_pipeline.py';

export const PLACEHOLDER_DAG = `# Placeholder: the RecallPipeline DAG comes from ${DAG_SOURCE_FILE}, which this build was not given.\n`;

/**
 * Where the scheduler finds the pod templates; the DAG reads it from RECALL_POD_TEMPLATE_DIR and
 * launches `<dir>/produce.yaml`, then `<dir>/consume.yaml`, as KubernetesPodOperator pod templates.
 */
export const POD_TEMPLATE_DIR = '/opt/airflow/pod-templates';
export const POD_TEMPLATE_FILES = { produce: 'produce.yaml', consume: 'consume.yaml' } as const;

/**
 * How the operator knows the pods of Airflow's runs (operator/airflow-runs.ts). KubernetesPodOperator
 * labels every pod it launches with `kubernetes_pod_operator`, `run_id` (shortened to fit a label
 * value) and `try_number`, and a pod it keeps with `already_checked` once done with it; the DAG's steps add the full run id, the pipeline, and whether Airflow
 * would retry the step, under the names below (the DAG file spells them too; a test checks both).
 */
export const AIRFLOW_STEP_POD = {
  selector: 'kubernetes_pod_operator=True',
  runLabel: 'run_id',
  tryLabel: 'try_number',
  /** Set to `True` by KubernetesPodOperator once it is done with a pod it keeps. */
  doneLabel: 'already_checked',
  runIdAnnotation: 'rappelconso.io/airflow-run-id',
  finalTryLabel: 'rappelconso.io/final-try',
} as const;
