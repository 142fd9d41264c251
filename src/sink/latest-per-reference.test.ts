import { describe, expect, it } from 'vitest';
import type { RecallRevision } from '../records/recall-revision.ts';
import { latestPerReference } from './latest-per-reference.ts';

function message(reference: string, version: number | null, published: string, tag: string): RecallRevision {
  const record = { reference_fiche: reference, ndeg_de_version: version, date_de_publication: published };
  return {
    dataset: 'rappelconso0',
    fetchedAt: '2024-05-01T00:00:00Z',
    record: record as RecallRevision['record'],
    rawJson: tag,
  };
}

describe('latestPerReference', () => {
  it('keeps the highest version, then the latest publication, and the first message on a tie', () => {
    const kept = latestPerReference([
      message('A', 1, '2021-01-01', 'A1'),
      message('A', 3, '2021-01-01', 'A3'),
      message('A', 2, '2021-06-01', 'A2'),
      message('B', 1, '2021-01-01', 'B-old'),
      message('B', 1, '2021-02-01', 'B-new'),
      message('C', 0, '2021-01-01', 'C-first'),
      message('C', 0, '2021-01-01', 'C-second'),
      message('D', null, '2021-01-01', 'D-null'),
      message('D', 0, '2021-01-01', 'D-zero'),
    ]);
    expect(kept.map((entry) => entry.rawJson)).toEqual(['A3', 'B-new', 'C-first', 'D-zero']);
  });
});
