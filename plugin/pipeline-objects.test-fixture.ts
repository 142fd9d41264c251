/**
 * RecallPipelines as the apiserver returns them, for the plugin's tests: the status is one the
 * operator wrote on kind (a run on create of the real records, then Airflow ready).
 */
import { API_GROUP_VERSION, KIND } from '../contract/recall-pipeline/group.ts';
import type { RecallPipelineStatus } from '../contract/recall-pipeline/status-schema.ts';
import type { PipelineObject } from './read-pipeline.ts';

export const READY_STATUS: RecallPipelineStatus = {
  phase: 'Ready',
  observedGeneration: 1,
  checkpoint: '2023-06-30 (+19 at it)',
  totalRecordsLoaded: 8803,
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Ready',
      message: 'Kafka, the database and Airflow are ready',
      observedGeneration: 1,
      lastTransitionTime: '2026-12-01T04:31:02Z',
    },
    {
      type: 'KafkaReady',
      status: 'True',
      reason: 'TopicsReady',
      message: 'topics rappel_conso and rappel_conso.dead-letter exist on kafka.dev-plugin.svc:9092',
      observedGeneration: 1,
      lastTransitionTime: '2026-12-01T04:29:36Z',
    },
    {
      type: 'DatabaseReady',
      status: 'True',
      reason: 'StatefulSetReady',
      message: 'PostgreSQL recalls-postgres is ready',
      observedGeneration: 1,
      lastTransitionTime: '2026-12-01T04:29:52Z',
    },
    {
      type: 'AirflowReady',
      status: 'True',
      reason: 'DeploymentsAvailable',
      message: 'Airflow is available',
      observedGeneration: 1,
      lastTransitionTime: '2026-12-01T04:31:02Z',
    },
    {
      type: 'LastRunSucceeded',
      status: 'True',
      reason: 'Succeeded',
      message: 'run 1 succeeded',
      observedGeneration: 1,
      lastTransitionTime: '2026-12-01T04:31:29Z',
    },
  ],
  lastRun: {
    number: 1,
    runner: 'Jobs',
    startTime: '2026-12-01T04:31:02Z',
    completionTime: '2026-12-01T04:31:29Z',
    succeeded: true,
    recordsProduced: 8810,
    recordsLoaded: 8803,
    recordsDeadLettered: 0,
  },
};

export function pipelineObject(
  options: { spec?: Record<string, unknown>; status?: unknown; annotations?: Record<string, string> } = {},
): PipelineObject {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: KIND,
    metadata: {
      name: 'recalls',
      namespace: 'prod',
      generation: 1,
      creationTimestamp: '2026-12-01T04:29:32Z',
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: {
      source: { apiUrl: 'http://recall-api.prod.svc:8080/api/explore/v2.1' },
      kafka: { mode: 'external', external: { bootstrapServers: ['kafka.prod.svc:9092'] } },
      ...options.spec,
    },
    status: options.status ?? READY_STATUS,
  };
}
