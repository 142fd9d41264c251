/**
 * The records one dataset serves, kept in the API's order (publication, then reference) so a
 * `where` on the publication field is an index range found by binary search, and each record's
 * JSON is written once, not per request.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { DatasetSource, RawRecord } from '../records/dataset-source.ts';
import { publicationInstant } from '../source/publication-time.ts';
import { odsqlError } from './api-error.ts';
import { DATE_LITERAL_FORMS, dateLiteralInstant, type Comparison } from './where-clause.ts';

interface StoredRecord {
  /** undefined when the publication value is missing or unreadable: such records match no comparison. */
  instant: number | undefined;
  reference: string;
  record: RawRecord;
  json: string;
}

export interface RecordPage {
  totalCount: number;
  /** The JSON text of each record of the page. */
  results: string[];
}

function compareStored(left: StoredRecord, right: StoredRecord): number {
  if (left.instant !== right.instant) {
    if (left.instant === undefined) return 1;
    if (right.instant === undefined) return -1;
    return left.instant - right.instant;
  }
  return left.reference < right.reference ? -1 : left.reference > right.reference ? 1 : 0;
}

/** Reads a JSONL file of API records; a bad line is named by file and line number. */
/** The file's lines, read a chunk at a time: a file of several copies of the data outgrows V8's longest string. */
function* fileLines(file: string, chunkBytes = 16 * 1024 * 1024): Generator<string> {
  const fd = fs.openSync(file, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(chunkBytes);
    let rest = '';
    for (let read; (read = fs.readSync(fd, buffer, 0, chunkBytes, null)) > 0;) {
      const lines = (rest + decoder.write(buffer.subarray(0, read))).split('\n');
      rest = lines.pop()!;
      yield* lines;
    }
    yield rest + decoder.end();
  } finally {
    fs.closeSync(fd);
  }
}

export function readRecordsFile(file: string, chunkBytes?: number): RawRecord[] {
  const records: RawRecord[] = [];
  let index = -1;
  for (const line of fileLines(file, chunkBytes)) {
    index += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${file}:${index + 1}: not JSON (${(error as Error).message})`, { cause: error });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${file}:${index + 1}: expected a JSON object per line, found ${JSON.stringify(value)}`);
    }
    records.push(value as RawRecord);
  }
  return records;
}

export class RecordStore {
  readonly source: DatasetSource;
  readonly #records: StoredRecord[];
  /** Records with a publication instant come first; this many of them. */
  readonly #positioned: number;

  constructor(source: DatasetSource, records: readonly RawRecord[]) {
    this.source = source;
    this.#records = records
      .map((record) => {
        const reference = record[source.referenceField];
        return {
          instant: publicationInstant(record[source.publicationField], source.granularity),
          reference: typeof reference === 'string' ? reference : '',
          record,
          json: JSON.stringify(record),
        };
      })
      .sort(compareStored);
    const firstUnpositioned = this.#records.findIndex((record) => record.instant === undefined);
    this.#positioned = firstUnpositioned === -1 ? this.#records.length : firstUnpositioned;
  }

  get size(): number {
    return this.#records.length;
  }

  query(where: readonly Comparison[], offset: number, limit: number): RecordPage {
    const onPublication = where.filter(({ field }) => field === this.source.publicationField);
    const equalities = where.filter(({ field }) => field !== this.source.publicationField);
    for (const { field, operator } of equalities) {
      if (operator !== '=') {
        throw odsqlError(
          `Unsupported comparison in where: ${field} ${operator} (only ${this.source.publicationField} compares by order; other fields by =)`,
        );
      }
    }
    let [from, to] = onPublication.length === 0 ? [0, this.#records.length] : [0, this.#positioned];
    for (const { field, operator, literal } of onPublication) {
      // Instant against instant, so a datetime literal bounds a date field's days and a date
      // literal bounds a datetime field's instants, whichever the dataset holds.
      const instant = dateLiteralInstant(literal);
      if (instant === undefined) {
        throw odsqlError(`Invalid date literal for ${field}: '${literal}' (expected ${DATE_LITERAL_FORMS})`);
      }
      const firstAtOrAfter = this.#firstIndex((value) => value >= instant);
      const firstAfter = this.#firstIndex((value) => value > instant);
      if (operator === '>' || operator === '>=') from = Math.max(from, operator === '>' ? firstAfter : firstAtOrAfter);
      if (operator === '<' || operator === '<=') to = Math.min(to, operator === '<' ? firstAtOrAfter : firstAfter);
      if (operator === '=') [from, to] = [Math.max(from, firstAtOrAfter), Math.min(to, firstAfter)];
    }
    if (equalities.length === 0) {
      const totalCount = Math.max(0, to - from);
      const start = from + offset;
      const end = Math.min(to, start + limit);
      return { totalCount, results: this.#records.slice(start, Math.max(start, end)).map((record) => record.json) };
    }
    // A pipeline's own filter (e.g. categorie_de_produit = "Alimentation"): a scan of the range.
    const matching = this.#records
      .slice(from, Math.max(from, to))
      .filter((stored) => equalities.every(({ field, literal }) => String(stored.record[field]) === literal));
    return {
      totalCount: matching.length,
      results: matching.slice(offset, offset + limit).map((record) => record.json),
    };
  }

  /** The first positioned index whose instant satisfies `predicate` (monotone), by binary search. */
  #firstIndex(predicate: (instant: number) => boolean): number {
    let low = 0;
    let high = this.#positioned;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (predicate(this.#records[middle]!.instant!)) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
