/**
 * A RecallPipeline that sets every field, the tools included. Its images are the pinned defaults
 * (contract/versions.ts), spelled out so the sample shows where an image is chosen.
 */
import { DEFAULT_PIPELINE_IMAGE } from '../../contract/pipeline-defaults.ts';
import { DEFAULT_AIRFLOW_IMAGE } from '../../contract/recall-pipeline/airflow-spec.ts';
import { API_GROUP_VERSION, KIND } from '../../contract/recall-pipeline/group.ts';
import { DEFAULT_POSTGRES_IMAGE } from '../../contract/recall-pipeline/postgres-spec.ts';
import type { RecallPipelineInput } from '../../contract/recall-pipeline/recall-pipeline.ts';
import { DEFAULT_KAFKA_UI_IMAGE, DEFAULT_PGADMIN_IMAGE } from '../../contract/recall-pipeline/tools-spec.ts';

export const fullSample: RecallPipelineInput = {
  apiVersion: API_GROUP_VERSION,
  kind: KIND,
  metadata: { name: 'rappel-conso-v2', namespace: 'recall' },
  spec: {
    source: {
      dataset: 'rappelconso-v2-gtin-espaces',
      apiUrl: 'https://data.economie.gouv.fr',
      pageSize: 100,
      startDate: '2024-01-01',
      filter: 'categorie_produit = "alimentation"',
    },
    kafka: {
      mode: 'managed',
      managed: {
        replicas: 3,
        storage: { size: '20Gi', storageClassName: 'standard' },
        resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      },
      topic: 'rappel_conso_v2',
      deadLetterTopic: 'rappel_conso_v2.rejected',
      partitions: 6,
      replicas: 3,
      retentionMs: 1_209_600_000,
    },
    postgres: {
      mode: 'managed',
      managed: {
        image: DEFAULT_POSTGRES_IMAGE,
        storage: { size: '20Gi', storageClassName: 'standard' },
        resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
        onDelete: 'Retain',
      },
      database: 'recall',
      table: 'rappel_conso_v2_table',
    },
    airflow: {
      enabled: true,
      schedule: '0 6 * * *',
      image: DEFAULT_AIRFLOW_IMAGE,
      database: 'airflow',
      resources: { requests: { cpu: '200m', memory: '768Mi' }, limits: { cpu: '2', memory: '2Gi' } },
    },
    jobs: {
      image: DEFAULT_PIPELINE_IMAGE,
      runOnCreate: true,
      backoffLimit: 5,
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    },
    tools: {
      kafkaUi: { enabled: true, image: DEFAULT_KAFKA_UI_IMAGE },
      pgAdmin: { enabled: true, image: DEFAULT_PGADMIN_IMAGE, email: 'data-team@example.com' },
    },
    suspend: false,
  },
};
