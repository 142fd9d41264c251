import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalRecordSchema } from '../records/canonical-record.ts';
import type { RecallRevision } from '../records/recall-revision.ts';
import { ORIGINAL_COLUMNS } from './recall-row.ts';
import { toRecallRow } from './to-recall-row.ts';
import { REAL_DATA_DIR } from '../../test/real-data.ts';

const DATA = `${REAL_DATA_DIR}/rappelconso0`;

function jsonLines(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(`${DATA}/${file}`, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function messageFor(raw: Record<string, unknown>): RecallRevision {
  return {
    dataset: 'rappelconso0',
    fetchedAt: '2024-05-01T00:00:00Z',
    record: canonicalRecordSchema.parse(raw),
    rawJson: JSON.stringify(raw),
  };
}

describe('toRecallRow over the 8,810 real records', () => {
  const records = jsonLines('records.jsonl');
  const expected = jsonLines('expected-rows.jsonl');
  const rows = records.map((raw) => toRecallRow(messageFor(raw)));

  it('writes the original pipeline’s 25 columns exactly, for every record', () => {
    expect(records).toHaveLength(8810);
    expect(expected).toHaveLength(8810);
    const mismatches: string[] = [];
    rows.forEach((row, index) => {
      for (const column of ORIGINAL_COLUMNS) {
        if (row[column] !== expected[index]![column]) {
          mismatches.push(
            `line ${index + 1} ${column}: ${JSON.stringify(row[column])} ≠ ${JSON.stringify(expected[index]![column])}`,
          );
        }
      }
    });
    expect(mismatches).toEqual([]);
  });

  it('reads every French recall-end date and every commercialisation date into a calendar date', () => {
    const unread = rows.filter(
      (row) =>
        (row.date_de_fin_de_la_procedure_de_rappel !== null && row.recall_ends_on === null) ||
        (row.date_debut_commercialisation !== null && row.marketed_from === null) ||
        (row.date_fin_commercialisation !== null && row.marketed_until === null),
    );
    expect(unread.map((row) => row.reference_fiche)).toEqual([]);
    const sample = rows.find((row) => row.date_de_fin_de_la_procedure_de_rappel === 'dimanche 19 septembre 2021');
    expect(sample?.recall_ends_on).toBe('2021-09-19');
  });

  it('keeps the typed columns beside the original ones', () => {
    const row = rows[0]!;
    expect(row).toMatchObject({
      version: 0,
      published_on: '2018-01-19',
      dataset: 'rappelconso0',
      fetched_at: '2024-05-01T00:00:00Z',
      raw: JSON.stringify(records[0]),
    });
  });
});
