/**
 * A raw record through its dataset's mapping and the canonical schema: either a canonical record
 * or the reason it is not one, naming each bad field (with the raw field it came from) and value.
 */
import { canonicalRecordSchema, type CanonicalRecord } from './canonical-record.ts';
import type { DatasetSource, RawRecord } from './dataset-source.ts';

export interface FieldProblem {
  /** The canonical field. */
  field: string;
  /** The API's field it was read from. */
  sourceField: string;
  value: unknown;
  message: string;
}

export type ValidationResult =
  { valid: true; record: CanonicalRecord } | { valid: false; reason: string; problems: FieldProblem[] };

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function validateRecord(source: DatasetSource, raw: RawRecord): ValidationResult {
  const candidate = source.toCanonical(raw);
  const parsed = canonicalRecordSchema.safeParse(candidate);
  if (parsed.success) return { valid: true, record: parsed.data };
  const problems = parsed.error.issues.map((issue): FieldProblem => {
    const field = issue.path.map(String).join('.') || '(record)';
    const top = issue.path[0];
    return {
      field,
      sourceField: source.sourceFieldOf(field),
      value: top === undefined ? candidate : candidate[String(top)],
      message: issue.message,
    };
  });
  const reason = problems
    .map(({ field, sourceField, value, message }) => {
      const name = sourceField === field ? field : `${field} (from ${sourceField})`;
      return `${name}=${quote(value)}: ${message}`;
    })
    .join('; ');
  return { valid: false, reason, problems };
}
