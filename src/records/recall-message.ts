/**
 * The value of a message on the recall topic (key: the record's reference_fiche). The raw API
 * record travels beside the canonical one, so the table can keep it as jsonb and nothing the API
 * said is lost.
 */
import { z } from 'zod';
import { DATASETS } from '../pipeline-defaults.ts';
import { canonicalRecordSchema } from './canonical-record.ts';

export const recallMessageSchema = z.object({
  dataset: z.enum(DATASETS),
  /** When the producer read it from the API (ISO 8601). */
  fetchedAt: z.iso.datetime({ offset: true }),
  record: canonicalRecordSchema,
  raw: z.record(z.string(), z.unknown()),
});

export type RecallMessage = z.infer<typeof recallMessageSchema>;
