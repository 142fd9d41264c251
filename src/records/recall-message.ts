/**
 * A message on the recall topic. Its value is the record exactly as the API returned it (JSON), its
 * key the record's reference_fiche, and two headers say which dataset it came from and when the
 * producer read it. The consumer maps the value onto the canonical record with that dataset's
 * mapper, where the row is made; the value's text goes unchanged into the table's jsonb column.
 */
import type { IHeaders, Message } from 'kafkajs';
import { z } from 'zod';
import { DATASETS } from '../../contract/pipeline-defaults.ts';

export const RECALL_MESSAGE_HEADERS = {
  dataset: 'recall-dataset',
  fetchedAt: 'recall-fetched-at',
} as const;

export const recallMessageHeadersSchema = z.object({
  dataset: z.enum(DATASETS),
  /** When the producer read it from the API (ISO 8601). */
  fetchedAt: z.iso.datetime({ offset: true }),
});

/** Where a message came from, as its headers carry it. */
export type RecallMessageOrigin = Readonly<z.infer<typeof recallMessageHeadersSchema>>;

export function recallMessage(reference: string, origin: RecallMessageOrigin, rawJson: string): Message {
  const headers: IHeaders = {
    [RECALL_MESSAGE_HEADERS.dataset]: origin.dataset,
    [RECALL_MESSAGE_HEADERS.fetchedAt]: origin.fetchedAt,
  };
  return { key: reference, value: rawJson, headers };
}
