/**
 * What the client and the producer need to know about one Explore v2.1 dataset: which raw field
 * orders and filters records by publication, which one identifies a recall, and how a raw record
 * becomes a canonical one. One implementation per dataset (rappelconso0-source.ts,
 * rappelconso-v2-source.ts).
 */
import type { Dataset } from '../../contract/pipeline-defaults.ts';

/** A record exactly as the API returned it in `results`. */
export type RawRecord = Record<string, unknown>;

/**
 * `date`: the publication field holds YYYY-MM-DD, so windows split on whole days.
 * `timestamp`: it holds an ISO 8601 instant, so windows may split anywhere down to the second.
 */
export type PublicationGranularity = 'date' | 'timestamp';

export interface DatasetSource {
  readonly dataset: Dataset;
  /** The raw field the API filters (`where`) and sorts (`order_by`) on. */
  readonly publicationField: string;
  readonly granularity: PublicationGranularity;
  /** The raw field holding the recall's reference: the business key and second sort key. */
  readonly referenceField: string;
  /** The raw field that tells apart two records sharing a reference (the API's own GUID). */
  readonly guidField: string;
  /**
   * The canonical record candidate, still to be validated: fields renamed and reshaped, values
   * never coerced, so a wrong type reaches validation as it came.
   */
  toCanonical(raw: RawRecord): Record<string, unknown>;
  /** For an error message: the raw field a canonical field was read from. */
  sourceFieldOf(canonicalField: string): string;
}
