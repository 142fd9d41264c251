/**
 * Where the DAG goes. Its Python source lives in the file named here, tested under real Airflow by
 * test/integration/airflow-dag.test.ts (docs/decisions/0003-airflow-dag.md); the charts only carry
 * its text, handed to them by airflow/dag-source.ts, into the dags ConfigMap under DAG_FILE_NAME.
 * A builder called without the text (unit tests) puts PLACEHOLDER_DAG there instead, which defines
 * no DAG.
 */
export const DAG_SOURCE_FILE = 'airflow/dags/recall_pipeline.py';
export const DAG_FILE_NAME = 'recall_pipeline.py';

export const PLACEHOLDER_DAG = `# Placeholder: the RecallPipeline DAG comes from ${DAG_SOURCE_FILE}, which this build was not given.\n`;

/**
 * Where the scheduler finds the pod templates; the DAG reads it from RECALL_POD_TEMPLATE_DIR and
 * launches `<dir>/produce.yaml`, then `<dir>/consume.yaml`, as KubernetesPodOperator pod templates.
 */
export const POD_TEMPLATE_DIR = '/opt/airflow/pod-templates';
export const POD_TEMPLATE_FILES = { produce: 'produce.yaml', consume: 'consume.yaml' } as const;
