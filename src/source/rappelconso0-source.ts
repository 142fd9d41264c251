/**
 * `rappelconso0`, the original dataset: its fields are the canonical ones, so mapping is picking
 * them (a field the API left out reads as null; validation decides whether that is acceptable).
 */
import { canonicalRecordSchema } from '../records/canonical-record.ts';
import type { DatasetSource, RawRecord } from './dataset-source.ts';

const canonicalFields = Object.keys(canonicalRecordSchema.shape);

export const rappelconso0Source: DatasetSource = {
  dataset: 'rappelconso0',
  publicationField: 'date_de_publication',
  granularity: 'date',
  referenceField: 'reference_fiche',
  guidField: 'rappelguid',

  toCanonical(raw: RawRecord) {
    return Object.fromEntries(canonicalFields.map((field) => [field, raw[field] ?? null]));
  },

  sourceFieldOf(canonicalField) {
    return canonicalField;
  },
};
