/**
 * A message of the recall topic as the sink uses it (src/consumer/parse-recall-message.ts builds
 * it): where it came from, the canonical record its dataset's mapper made from the raw record, and
 * the raw record's JSON text as the message carried it.
 */
import type { CanonicalRecord } from './canonical-record.ts';
import type { RecallMessageOrigin } from './recall-message.ts';

export interface RecallRevision extends RecallMessageOrigin {
  readonly record: CanonicalRecord;
  readonly rawJson: string;
}
