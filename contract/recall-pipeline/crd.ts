/**
 * The RecallPipeline CustomResourceDefinition, generated from the zod schemas: the OpenAPI v3
 * schema with descriptions, defaults and CEL rules all come from contract/recall-pipeline/spec-schema.ts and
 * status-schema.ts.
 */
import { z } from 'zod';
import { API_GROUP, API_VERSION, CRD_NAME, KIND, LIST_KIND, PLURAL, SHORT_NAMES, SINGULAR } from './group.ts';
import { recallPipelineSpecSchema } from './spec-schema.ts';
import { recallPipelineStatusSchema } from './status-schema.ts';
import { structuralSchema } from './structural-schema.ts';

/** A user writes the input side: defaulted fields are optional, and the CRD states their defaults. */
function openApiOf(schema: z.ZodType): Record<string, unknown> {
  return structuralSchema(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }));
}

const printerColumns = [
  { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Records', type: 'integer', jsonPath: '.status.totalRecordsLoaded' },
  { name: 'Last Run', type: 'date', jsonPath: '.status.lastRun.completionTime' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

export function recallPipelineCrd(labels: Record<string, string> = {}): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: CRD_NAME, labels },
    spec: {
      group: API_GROUP,
      names: { kind: KIND, listKind: LIST_KIND, plural: PLURAL, singular: SINGULAR, shortNames: [...SHORT_NAMES] },
      scope: 'Namespaced',
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'A RappelConso product-recall pipeline, reconciled by recall-pipeline-operator.',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: openApiOf(recallPipelineSpecSchema),
                status: openApiOf(recallPipelineStatusSchema),
              },
            },
          },
        },
      ],
    },
  };
}
