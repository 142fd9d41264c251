/**
 * A Kafka message from the recall topic, checked and mapped: its headers must name a dataset and
 * a fetch time, its value must be a JSON object that the dataset's mapper turns into a canonical
 * record the table can store, and its key must be that record's reference_fiche (the key places a
 * recall's revisions on one partition, in order). A message that fails gets a reason naming each
 * bad field and its value, for the dead-letter topic.
 */
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import { RECALL_MESSAGE_HEADERS, recallMessageHeadersSchema } from '../records/recall-message.ts';
import type { RecallRevision } from '../records/recall-revision.ts';
import type { RawRecord } from '../records/dataset-source.ts';
import { datasetSource } from '../records/dataset-sources.ts';
import { validateRecord } from '../records/validate-record.ts';

export type ParsedMessage =
  { readonly ok: true; readonly message: RecallRevision } | { readonly ok: false; readonly reason: string };

/** The largest value of the table's `version integer` column. */
const MAX_VERSION = 2_147_483_647;
const QUOTED_VALUE_LIMIT = 200;

function quoted(value: unknown): string {
  const text = value === undefined ? 'missing' : JSON.stringify(value);
  return text.length > QUOTED_VALUE_LIMIT ? `${text.slice(0, QUOTED_VALUE_LIMIT)}…` : text;
}

/** A header's text; a repeated header reads as its values, so the error can show them. */
function headerText(headers: IHeaders | undefined, name: string): unknown {
  const value = headers?.[name];
  if (Array.isArray(value)) return value.map(String);
  return value === undefined ? undefined : String(value);
}

function describeHeaderIssues(error: z.ZodError, headers: Record<string, unknown>): string {
  return error.issues
    .map((issue) => {
      const field = String(issue.path[0]) as keyof typeof RECALL_MESSAGE_HEADERS;
      const name = RECALL_MESSAGE_HEADERS[field];
      return `header ${name}=${quoted(headers[field])}: ${issue.message}`;
    })
    .join('; ');
}

function unstorable(record: RecallRevision['record'], text: string): string | undefined {
  // PostgreSQL text and jsonb cannot hold U+0000; the JSON text spells it \u0000.
  if (text.includes('\\u0000')) return 'the message contains a NUL character (\\u0000), which PostgreSQL cannot store';
  const version = record.ndeg_de_version;
  if (version !== null && version > MAX_VERSION)
    return `ndeg_de_version=${version}: larger than the table's integer column allows (${MAX_VERSION})`;
  return undefined;
}

export function parseRecallMessage({
  key,
  value,
  headers,
}: Pick<KafkaMessage, 'key' | 'value' | 'headers'>): ParsedMessage {
  if (value === null) return { ok: false, reason: 'the message has no value' };
  const origin = {
    dataset: headerText(headers, RECALL_MESSAGE_HEADERS.dataset),
    fetchedAt: headerText(headers, RECALL_MESSAGE_HEADERS.fetchedAt),
  };
  const checkedOrigin = recallMessageHeadersSchema.safeParse(origin);
  if (!checkedOrigin.success) return { ok: false, reason: describeHeaderIssues(checkedOrigin.error, origin) };
  const text = value.toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `the value is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, reason: `value=${quoted(raw)}: expected the API record as a JSON object` };
  const mapped = validateRecord(datasetSource(checkedOrigin.data.dataset), raw as RawRecord);
  if (!mapped.valid) return { ok: false, reason: mapped.reason };
  const reference = mapped.record.reference_fiche;
  const keyText = key?.toString('utf8');
  if (keyText !== reference)
    return {
      ok: false,
      reason: `key=${quoted(keyText ?? null)}: expected the record's reference_fiche ${quoted(reference)}`,
    };
  const reason = unstorable(mapped.record, text);
  if (reason !== undefined) return { ok: false, reason };
  return { ok: true, message: { ...checkedOrigin.data, record: mapped.record, rawJson: text } };
}
