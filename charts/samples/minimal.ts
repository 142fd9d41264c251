/** The smallest RecallPipeline: every field defaulted (managed Kafka and PostgreSQL, Airflow daily). */
import { API_GROUP_VERSION, KIND } from '../api/group.ts';
import type { RecallPipelineInput } from '../api/recall-pipeline.ts';

export const minimalSample: RecallPipelineInput = {
  apiVersion: API_GROUP_VERSION,
  kind: KIND,
  metadata: { name: 'rappel-conso', namespace: 'recall' },
  spec: {},
};
