import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RawRecord } from './dataset-source.ts';
import { rappelconso0Source } from './rappelconso0-source.ts';
import { validateRecord } from './validate-record.ts';
import { RAPPELCONSO0_RECORDS } from '../../test/real-data.ts';

const RECORDS = RAPPELCONSO0_RECORDS;

function realRecords(): RawRecord[] {
  return fs
    .readFileSync(RECORDS, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RawRecord);
}

describe('rappelconso0 mapping', () => {
  it('maps every one of the 8,810 real records to a valid canonical record equal to its fields', () => {
    const records = realRecords();
    expect(records).toHaveLength(8810);
    for (const raw of records) {
      const result = validateRecord(rappelconso0Source, raw);
      if (!result.valid) throw new Error(`${String(raw.reference_fiche)}: ${result.reason}`);
      expect(result.record).toEqual(raw);
    }
  });

  it('reads a field the API left out as null', () => {
    const [raw] = realRecords();
    const withoutDistributors: RawRecord = { ...raw! };
    delete withoutDistributors.distributeurs;
    expect(rappelconso0Source.toCanonical(withoutDistributors).distributeurs).toBeNull();
  });
});
