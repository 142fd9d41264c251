/**
 * A whole RecallPipeline as the charts receive it, validated: bad input fails with one line per
 * problem naming the field and the value it had.
 */
import { z } from 'zod';
import { API_GROUP_VERSION, KIND } from './group.ts';
import { dnsSubdomain } from './field-formats.ts';
import { recallPipelineSpecSchema, type RecallPipelineSpec, type RecallPipelineSpecInput } from './spec-schema.ts';

export const recallPipelineSchema = z.object({
  apiVersion: z.literal(API_GROUP_VERSION).optional(),
  kind: z.literal(KIND).optional(),
  metadata: z.looseObject({
    name: dnsSubdomain,
    namespace: dnsSubdomain.optional(),
    uid: z.string().optional(),
    generation: z.int().optional(),
  }),
  spec: recallPipelineSpecSchema,
});

export interface RecallPipeline {
  metadata: { name: string; namespace?: string | undefined; uid?: string | undefined; generation?: number | undefined };
  spec: RecallPipelineSpec;
}

/** What a user writes (or the operator reads back from the apiserver). */
export interface RecallPipelineInput {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; generation?: number; [key: string]: unknown };
  spec?: RecallPipelineSpecInput;
}

export class InvalidRecallPipelineError extends Error {
  override name = 'InvalidRecallPipelineError';
  readonly issues: readonly z.core.$ZodIssue[];

  constructor(message: string, issues: readonly z.core.$ZodIssue[]) {
    super(message);
    this.issues = issues;
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Validates and defaults a RecallPipeline; throws InvalidRecallPipelineError naming each bad field. */
export function parseRecallPipeline(input: unknown): RecallPipeline {
  const parsed = recallPipelineSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const name = describeValue(valueAt(input, ['metadata', 'name']));
  const lines = parsed.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    // Cross-field rules carry the whole object as their input; quote the field they blame instead.
    const value = issue.code === 'custom' ? valueAt(input, issue.path) : (issue.input ?? valueAt(input, issue.path));
    return `${field} = ${describeValue(value)}: ${issue.message}`;
  });
  throw new InvalidRecallPipelineError(`invalid RecallPipeline ${name}:\n  ${lines.join('\n  ')}`, parsed.error.issues);
}
