/**
 * The value of a message on the dead-letter topic: a record that failed validation, with why,
 * where it came from and exactly what the API sent, so it can be repaired and replayed.
 */
import type { Dataset } from '../../contract/pipeline-defaults.ts';
import type { RawRecord } from '../records/dataset-source.ts';
import type { FieldProblem } from '../records/validate-record.ts';

export interface DeadLetterMessage {
  dataset: Dataset;
  fetchedAt: string;
  /** One line naming each bad field and its value. */
  reason: string;
  problems: FieldProblem[];
  raw: RawRecord;
}
