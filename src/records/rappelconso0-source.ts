/**
 * `rappelconso0`, the original dataset: its fields are the canonical ones, so mapping is picking
 * them (a field the API left out reads as null; validation decides whether that is acceptable).
 */
import { canonicalRecordSchema } from './canonical-record.ts';
import type { DatasetSource, RawRecord } from './dataset-source.ts';

const canonicalFields = Object.keys(canonicalRecordSchema.shape);

export const rappelconso0Source: DatasetSource = {
  dataset: 'rappelconso0',
  publicationField: 'date_de_publication',
  granularity: 'date',
  referenceField: 'reference_fiche',
  guidField: 'rappelguid',

  toCanonical(raw: RawRecord) {
    // A plain loop: this runs for every record on both sides of the topic, and the entry arrays
    // of Object.fromEntries cost more than the copying itself.
    const record: Record<string, unknown> = {};
    for (const field of canonicalFields) record[field] = raw[field] ?? null;
    return record;
  },

  sourceFieldOf(canonicalField) {
    return canonicalField;
  },
};
