/**
 * Within one batch, one message per recall: the newest. Newer means a higher version number, then a
 * later publication day, then a later fetch; on a tie the earlier message stays, which is also what
 * the table's upsert does across batches, so the result does not depend on how Kafka cut batches.
 */
import type { RecallRevision } from '../records/recall-revision.ts';

/** Negative, zero or positive as `a` is older than, as new as, or newer than `b`. */
export function compareRecency(a: RecallRevision, b: RecallRevision): number {
  return (
    (a.record.ndeg_de_version ?? -1) - (b.record.ndeg_de_version ?? -1) ||
    a.record.date_de_publication.localeCompare(b.record.date_de_publication) ||
    Date.parse(a.fetchedAt) - Date.parse(b.fetchedAt)
  );
}

export function latestPerReference(messages: Iterable<RecallRevision>): RecallRevision[] {
  const latest = new Map<string, RecallRevision>();
  for (const message of messages) {
    const kept = latest.get(message.record.reference_fiche);
    if (kept === undefined || compareRecency(message, kept) > 0) latest.set(message.record.reference_fiche, message);
  }
  return [...latest.values()];
}
