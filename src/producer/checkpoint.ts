/**
 * The producer's resume point and how it moves.
 *
 * Cursor choice: (publication value, identities already sent with that value). The next run asks
 * for `publication >= value` and leaves out the records it has already sent at exactly that value.
 * A plain (date, reference) cursor with `>` would skip records in two real cases: the same
 * reference published twice on one day (7 Safety Gate notices in rappelconso0), and a record
 * published later on the cursor's day with a smaller reference. Remembering the identities of
 * the last value only keeps the row small (at most a day's records) while a run with nothing new
 * re-reads that last value and sends nothing.
 */
import { createHash } from 'node:crypto';
import type { DatasetSource, RawRecord } from '../records/dataset-source.ts';
import { publicationInstant } from '../source/publication-time.ts';

export interface Checkpoint {
  /** The publication value (as the API wrote it) of the last acknowledged record. */
  publication: string;
  /** Identities of the acknowledged records published with exactly that value. */
  sentAtPublication: string[];
}

/**
 * What tells two records apart: reference and the API's GUID (two notices can share a reference);
 * a record with neither readable is known by a digest of its content.
 */
export function recordIdentity(source: DatasetSource, raw: RawRecord): string {
  const reference = raw[source.referenceField];
  const guid = raw[source.guidField];
  if (typeof reference === 'string' && reference.trim() !== '') {
    return typeof guid === 'string' ? `${reference}#${guid}` : reference;
  }
  return `sha256:${createHash('sha256').update(JSON.stringify(raw)).digest('hex')}`;
}

export class ResumeCursor {
  readonly #source: DatasetSource;
  #publication: string | undefined;
  #instant: number | undefined;
  #sent = new Set<string>();
  readonly #lowerBound: string | undefined;

  /** `since` (YYYY-MM-DD) starts later than the checkpoint when it is the later of the two. */
  constructor(source: DatasetSource, checkpoint: Checkpoint | undefined, since?: string) {
    this.#source = source;
    if (checkpoint) {
      this.#publication = checkpoint.publication;
      this.#instant = publicationInstant(checkpoint.publication, source.granularity);
      this.#sent = new Set(checkpoint.sentAtPublication);
    }
    const sinceInstant = since === undefined ? undefined : publicationInstant(since, 'date');
    const sinceIsLater = sinceInstant !== undefined && (this.#instant === undefined || sinceInstant > this.#instant);
    this.#lowerBound = sinceIsLater ? since : this.#publication;
  }

  /** The `>=` bound of the next query. */
  get lowerBound(): string | undefined {
    return this.#lowerBound;
  }

  /** Whether an earlier run already had this record acknowledged (it is re-read, not re-sent). */
  alreadySent(raw: RawRecord): boolean {
    const instant = publicationInstant(raw[this.#source.publicationField], this.#source.granularity);
    return instant !== undefined && instant === this.#instant && this.#sent.has(recordIdentity(this.#source, raw));
  }

  /**
   * Moves past a record the broker acknowledged, in the order the API gave them. A record without
   * a readable publication has no place in that order and leaves the cursor where it is.
   */
  acknowledge(raw: RawRecord): void {
    const publication = raw[this.#source.publicationField];
    const instant = publicationInstant(publication, this.#source.granularity);
    if (instant === undefined || typeof publication !== 'string') return;
    if (this.#instant === undefined || instant > this.#instant) {
      this.#publication = publication;
      this.#instant = instant;
      this.#sent = new Set();
    }
    if (instant === this.#instant) this.#sent.add(recordIdentity(this.#source, raw));
  }

  get checkpoint(): Checkpoint | undefined {
    return this.#publication === undefined
      ? undefined
      : { publication: this.#publication, sentAtPublication: [...this.#sent] };
  }
}
