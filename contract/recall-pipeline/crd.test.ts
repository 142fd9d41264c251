import { describe, expect, it } from 'vitest';
import { recallPipelineCrd } from './crd.ts';
import { invalidSpecCases } from '../../test/invalid-specs.ts';

type Schema = {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  'x-kubernetes-validations'?: Array<{ rule: string; message: string; fieldPath?: string }>;
  [key: string]: unknown;
};

const crd = recallPipelineCrd();
const version = (crd.spec.versions as Array<Record<string, unknown>>)[0]!;
const root = (version.schema as { openAPIV3Schema: Schema }).openAPIV3Schema;
const spec = root.properties!.spec!;
const status = root.properties!.status!;

function everyNode(schema: Schema, path: string, visit: (node: Schema, path: string) => void): void {
  visit(schema, path);
  for (const [name, child] of Object.entries(schema.properties ?? {})) everyNode(child, `${path}.${name}`, visit);
  if (schema.items) everyNode(schema.items, `${path}[]`, visit);
  if (typeof schema.additionalProperties === 'object') everyNode(schema.additionalProperties, `${path}{}`, visit);
}

describe('the RecallPipeline CRD generated from zod', () => {
  it('names the API: rappelconso.io/v1alpha1, namespaced, short name rp, status subresource', () => {
    expect(crd.metadata.name).toBe('recallpipelines.rappelconso.io');
    expect(crd.spec).toMatchObject({
      group: 'rappelconso.io',
      scope: 'Namespaced',
      names: { kind: 'RecallPipeline', plural: 'recallpipelines', shortNames: ['rp'] },
    });
    expect(version).toMatchObject({ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } });
  });

  it('prints Phase, Ready, Records, Last Run and Age', () => {
    expect((version.additionalPrinterColumns as Array<{ name: string }>).map((column) => column.name)).toEqual([
      'Phase',
      'Ready',
      'Records',
      'Last Run',
      'Age',
    ]);
  });

  it('is structural: every node has a type, nothing forbids extra properties beside properties', () => {
    everyNode(root, 'root', (node, path) => {
      expect(node.type, path).toBeDefined();
      expect(node.additionalProperties, path).not.toBe(false);
      for (const key of ['anyOf', 'oneOf', 'allOf', 'nullable', '$schema'])
        expect(node[key], `${path}.${key}`).toBeUndefined();
      expect(Math.abs((node.maximum as number | undefined) ?? 0), path).toBeLessThan(Number.MAX_SAFE_INTEGER);
    });
  });

  it('describes every field of spec and status, array items included, so kubectl explain reads well', () => {
    for (const [name, schema] of [
      ['spec', spec],
      ['status', status],
    ] as const) {
      everyNode(schema, name, (node, path) => expect(node.description, path).toBeTruthy());
    }
  });

  it('has an invalid case for every CEL rule, blaming the rule’s field in the rule’s words', () => {
    const rules: Array<{ field: string; message: string }> = [];
    for (const [name, schema] of [
      ['spec', spec],
      ['status', status],
    ] as const) {
      everyNode(schema, name, (node, path) => {
        for (const rule of node['x-kubernetes-validations'] ?? []) {
          rules.push({ field: `${path}${rule.fieldPath ?? ''}`, message: rule.message });
        }
      });
    }
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const uncovered = rules.filter(
      (rule) =>
        !invalidSpecCases.some(
          (testCase) => testCase.field === rule.field && testCase.apiserverSays.includes(rule.message),
        ),
    );
    expect(uncovered).toEqual([]);
  });

  it('states the defaults, down to nested fields', () => {
    expect(spec.properties!.kafka!.properties!.topic!.default).toBe('rappel_conso');
    // Complete, because the apiserver checks a default against the CEL rules before defaulting inside it.
    expect(spec.properties!.kafka!.default).toEqual({
      mode: 'managed',
      topic: 'rappel_conso',
      partitions: 3,
      replicas: 1,
      retentionMs: 604_800_000,
    });
    expect(spec.properties!.jobs!.properties!.resources!.properties!.limits!.properties!.memory!.default).toBe('256Mi');
  });

  it('carries the cross-field rules as CEL', () => {
    const rules = spec.properties!.kafka!['x-kubernetes-validations']!;
    expect(rules.map((rule) => rule.rule)).toContain("self.mode != 'strimzi' || has(self.strimzi)");
    expect(spec.properties!.postgres!['x-kubernetes-validations']!.length).toBe(3);
  });

  it('keeps conditions as a map keyed by type', () => {
    const conditions = root.properties!.status!.properties!.conditions!;
    expect(conditions['x-kubernetes-list-type']).toBe('map');
    expect(conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
  });
});
