import { describe, expect, it } from 'vitest';
import { DEFAULT_API_URL, DEFAULT_DATASET, DEFAULT_TABLE, DEFAULT_TOPIC } from '../pipeline-defaults.ts';
import { invalidSpecCases } from '../../test/invalid-specs.ts';
import { InvalidRecallPipelineError, parseRecallPipeline } from './recall-pipeline.ts';

function rejection(spec: unknown, name = 'sample'): InvalidRecallPipelineError {
  try {
    parseRecallPipeline({ metadata: { name }, spec });
  } catch (error) {
    if (error instanceof InvalidRecallPipelineError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(spec)}`);
}

describe('parseRecallPipeline', () => {
  it('defaults an empty spec from the shared pipeline defaults', () => {
    const { spec } = parseRecallPipeline({ metadata: { name: 'minimal' } });
    expect(spec.source).toEqual({ dataset: DEFAULT_DATASET, apiUrl: DEFAULT_API_URL });
    expect(spec.kafka).toMatchObject({ mode: 'managed', topic: DEFAULT_TOPIC, partitions: 3, replicas: 1 });
    expect(spec.kafka.deadLetterTopic).toBeUndefined();
    expect(spec.postgres).toMatchObject({ mode: 'managed', table: DEFAULT_TABLE, database: 'recall' });
    expect(spec.airflow).toMatchObject({ enabled: true, schedule: '@daily', image: 'apache/airflow:3.3.2' });
    expect(spec.jobs.resources).toEqual({
      requests: { cpu: '100m', memory: '160Mi' },
      limits: { cpu: '1', memory: '256Mi' },
    });
    expect(spec.tools.kafkaUi.enabled).toBe(false);
    expect(spec.tools.pgAdmin.enabled).toBe(false);
    expect(spec.suspend).toBe(false);
  });

  it('defaults one resource field without touching the ones given', () => {
    const { spec } = parseRecallPipeline({
      metadata: { name: 'p' },
      spec: { jobs: { resources: { limits: { memory: '2Gi' } } } },
    });
    expect(spec.jobs.resources.limits).toEqual({ cpu: '1', memory: '2Gi' });
  });

  it.each(invalidSpecCases)('rejects $title, naming $field and its value', (testCase) => {
    const error = rejection(testCase.spec);
    const line = error.message.split('\n').find((candidate) => candidate.trim().startsWith(`${testCase.field} = `));
    expect(line, error.message).toBeDefined();
    expect(line).toContain(testCase.zodSays);
    const value = testCase.field
      .split('.')
      .slice(1)
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], testCase.spec);
    expect(line).toContain(value === undefined ? 'missing' : JSON.stringify(value));
  });

  it('rejects unknown fields, naming them', () => {
    expect(rejection({ kafak: {} }).message).toContain('Unrecognized key: "kafak"');
  });

  it('rejects a name that is not a DNS subdomain, quoting it', () => {
    expect(rejection({}, 'Rappel_Conso').message).toContain('metadata.name = "Rappel_Conso"');
  });
});
