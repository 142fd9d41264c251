/**
 * A Kafka message from the recall topic, checked: the value must be a RecallMessage whose record
 * the table can store, and the key its reference_fiche (the key places a recall's revisions on one
 * partition, in order). A message that fails gets a reason naming each bad field and its value,
 * for the dead-letter topic.
 */
import type { z } from 'zod';
import { recallMessageSchema, type RecallMessage } from '../records/recall-message.ts';

export type ParsedMessage =
  { readonly ok: true; readonly message: RecallMessage } | { readonly ok: false; readonly reason: string };

/** The largest value of the table's `version integer` column. */
const MAX_VERSION = 2_147_483_647;
const QUOTED_VALUE_LIMIT = 200;

function quoted(value: unknown): string {
  const text = value === undefined ? 'missing' : JSON.stringify(value);
  return text.length > QUOTED_VALUE_LIMIT ? `${text.slice(0, QUOTED_VALUE_LIMIT)}…` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeIssues(error: z.ZodError, input: unknown): string {
  return error.issues
    .map(
      (issue) =>
        `${issue.path.map(String).join('.') || 'value'}=${quoted(valueAt(input, issue.path))}: ${issue.message}`,
    )
    .join('; ');
}

function unstorable(message: RecallMessage, text: string): string | undefined {
  // PostgreSQL text and jsonb cannot hold U+0000; the JSON text spells it \u0000.
  if (text.includes('\\u0000')) return 'the message contains a NUL character (\\u0000), which PostgreSQL cannot store';
  const version = message.record.ndeg_de_version;
  if (version !== null && version > MAX_VERSION)
    return `record.ndeg_de_version=${version}: larger than the table's integer column allows (${MAX_VERSION})`;
  return undefined;
}

export function parseRecallMessage(key: Buffer | null, value: Buffer | null): ParsedMessage {
  if (value === null) return { ok: false, reason: 'the message has no value' };
  const text = value.toString('utf8');
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `the value is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = recallMessageSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error, input) };
  const reference = parsed.data.record.reference_fiche;
  const keyText = key?.toString('utf8');
  if (keyText !== reference)
    return {
      ok: false,
      reason: `key=${quoted(keyText ?? null)}: expected the record's reference_fiche ${quoted(reference)}`,
    };
  const reason = unstorable(parsed.data, text);
  return reason === undefined ? { ok: true, message: parsed.data } : { ok: false, reason };
}
