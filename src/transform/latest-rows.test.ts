import { describe, expect, it } from 'vitest';
import type { RecallRow } from './recall-row.ts';
import { latestPerKey } from './latest-rows.ts';

function row(
  reference: string,
  version: number | null,
  published: string,
  tag: string,
  sheet: { record_id?: string; sheet_number?: number | null; fetched_at?: string } = {},
): RecallRow {
  return {
    reference_fiche: reference,
    version,
    published_on: published,
    record_id: sheet.record_id ?? tag,
    sheet_number: sheet.sheet_number ?? null,
    fetched_at: sheet.fetched_at ?? '2024-05-01T00:00:00Z',
    raw: tag,
  } as RecallRow;
}

describe('latestPerKey', () => {
  it('keeps the highest version, then the latest publication, and the first row on a tie', () => {
    const kept = latestPerKey(
      [
        row('A', 1, '2021-01-01', 'A1'),
        row('A', 3, '2021-01-01', 'A3'),
        row('A', 2, '2021-06-01', 'A2'),
        row('B', 1, '2021-01-01', 'B-old'),
        row('B', 1, '2021-02-01', 'B-new'),
        row('C', 0, '2021-01-01', 'C-first'),
        row('C', 0, '2021-01-01', 'C-second'),
        row('D', null, '2021-01-01', 'D-null'),
        row('D', 0, '2021-01-01', 'D-zero'),
      ],
      'reference_fiche',
    );
    expect(kept.map((entry) => entry.raw)).toEqual(['A3', 'B-new', 'C-first', 'D-zero']);
  });

  it('keeps the later recall sheet of two sharing a reference, whichever came first', () => {
    const older = row('A12/00030/22', 0, '2022-01-07', 'sheet-10728', { sheet_number: 10728 });
    const newer = row('A12/00030/22', 0, '2022-01-07', 'sheet-10992', { sheet_number: 10992 });
    for (const order of [
      [older, newer],
      [newer, older],
    ])
      expect(latestPerKey(order, 'reference_fiche').map((entry) => entry.raw)).toEqual(['sheet-10992']);
    expect(latestPerKey([older, newer], 'record_id').map((entry) => entry.raw)).toEqual(['sheet-10728', 'sheet-10992']);
  });

  it('keeps the later fetch of one sheet', () => {
    const first = row('A', 1, '2021-01-01', 'fetched-first', { record_id: 'g', fetched_at: '2024-05-01T00:00:00Z' });
    const again = row('A', 1, '2021-01-01', 'fetched-again', { record_id: 'g', fetched_at: '2024-05-02T00:00:00Z' });
    expect(latestPerKey([again, first], 'record_id').map((entry) => entry.raw)).toEqual(['fetched-again']);
  });
});
