/** A RecallPipeline that sets every field, the tools included. */
import { API_GROUP_VERSION, KIND } from '../api/group.ts';
import type { RecallPipelineInput } from '../api/recall-pipeline.ts';

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
        image: 'postgres:15.20',
        storage: { size: '20Gi', storageClassName: 'standard' },
        resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
      },
      database: 'recall',
      table: 'rappel_conso_v2_table',
    },
    airflow: {
      enabled: true,
      schedule: '0 6 * * *',
      image: 'apache/airflow:3.3.2',
      database: 'airflow',
      resources: { requests: { cpu: '200m', memory: '768Mi' }, limits: { cpu: '2', memory: '2Gi' } },
    },
    jobs: {
      image: 'ghcr.io/rappelconso/recall-pipeline-operator:0.1.0',
      runOnCreate: true,
      backoffLimit: 5,
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    },
    tools: {
      kafkaUi: { enabled: true, image: 'ghcr.io/kafbat/kafka-ui:v1.5.0' },
      pgAdmin: { enabled: true, image: 'dpage/pgadmin4:9.18', email: 'data-team@example.com' },
    },
    suspend: false,
  },
};
