/**
 * Where the DAG goes. Its Python source is written and tested by the Airflow DAG issue, in the file
 * named here; the charts only carry it into the dags ConfigMap under DAG_FILE_NAME. Until that
 * file exists the ConfigMap holds PLACEHOLDER_DAG, which defines no DAG.
 */
export const DAG_SOURCE_FILE = 'airflow/dags/recall_pipeline.py';
export const DAG_FILE_NAME = 'recall_pipeline.py';

export const PLACEHOLDER_DAG = `# Placeholder: the RecallPipeline DAG is not written yet; it will come from ${DAG_SOURCE_FILE}.\n`;

/** Where the scheduler finds the pod templates; the DAG reads it from RECALL_POD_TEMPLATE_DIR. */
export const POD_TEMPLATE_DIR = '/opt/airflow/pod-templates';
export const POD_TEMPLATE_FILES = { produce: 'produce.yaml', consume: 'consume.yaml' } as const;
