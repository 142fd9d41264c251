/** The smallest RecallPipeline: every field defaulted (managed Kafka and PostgreSQL, Airflow daily). */
import { API_GROUP_VERSION, KIND } from '../../contract/recall-pipeline/group.ts';
import type { RecallPipelineInput } from '../../contract/recall-pipeline/recall-pipeline.ts';

export const minimalSample: RecallPipelineInput = {
  apiVersion: API_GROUP_VERSION,
  kind: KIND,
  metadata: { name: 'rappel-conso', namespace: 'recall' },
  spec: {},
};
