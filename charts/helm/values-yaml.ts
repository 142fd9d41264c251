/**
 * values.yaml as people read it: every value with its default, under the comment its schema's
 * description gives.
 */
import { Yaml } from 'cdk8s';
import { z } from 'zod';

const WIDTH = 100;

/** The object schema inside defaults and prefaults, if any. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
    current = current.unwrap() as z.ZodType;
  }
  return current instanceof z.ZodObject ? current.shape : undefined;
}

function comment(text: string | undefined, indent: string): string[] {
  if (!text) return [];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + 2 + line.length + 1 + word.length > WIDTH) {
      lines.push(`${indent}# ${line}`);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(`${indent}# ${line}`);
  return lines;
}

function leaf(key: string, value: unknown, indent: string): string[] {
  const isEmpty = typeof value === 'object' && value !== null && Object.keys(value).length === 0;
  if (isEmpty || typeof value !== 'object' || value === null) {
    const text = isEmpty ? (Array.isArray(value) ? '[]' : '{}') : Yaml.stringify(value).trimEnd();
    return [`${indent}${key}: ${text}`];
  }
  const block = Yaml.stringify(value).trimEnd().split('\n');
  return [`${indent}${key}:`, ...block.map((line) => `${indent}  ${line}`)];
}

function lines(shape: Record<string, z.ZodType>, values: Record<string, unknown>, indent: string): string[] {
  const out: string[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const nested = objectShape(schema);
    const value = values[key];
    out.push(...comment(schema.description, indent));
    if (nested && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out.push(`${indent}${key}:`, ...lines(nested, value as Record<string, unknown>, `${indent}  `));
    } else {
      out.push(...leaf(key, value, indent));
    }
  }
  return out;
}

export function commentedValuesYaml(schema: z.ZodObject, defaults: Record<string, unknown>): string {
  return `${lines(schema.shape, defaults, '').join('\n')}\n`;
}
