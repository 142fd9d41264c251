import { describe, expect, it } from 'vitest';
import type { RawRecord } from './dataset-source.ts';
import { rappelconso0Source } from './rappelconso0-source.ts';
import { validateRecord } from './validate-record.ts';

/** The first line of the real records.jsonl (Peugeot, Safety Gate), shortened to what matters here. */
const real: RawRecord = {
  reference_fiche: 'A12/0042/18',
  ndeg_de_version: 0,
  motif_du_rappel: 'Une pièce moteur peut ne pas fonctionner correctement, ce qui entraîne une perte de puissance.',
  risques_encourus_par_le_consommateur: 'Blessures',
  rappelguid: 'f6d48cd5356a6e554f2eacfa4db244dd08f5dfb0',
  date_de_publication: '2018-01-19',
};

function reasonFor(raw: RawRecord): string {
  const result = validateRecord(rappelconso0Source, raw);
  if (result.valid) throw new Error('expected the record to be invalid');
  return result.reason;
}

describe('validateRecord', () => {
  it('accepts a real record', () => {
    expect(validateRecord(rappelconso0Source, real).valid).toBe(true);
  });

  it('names the field and the value of each problem', () => {
    expect(reasonFor({ ...real, reference_fiche: undefined })).toMatch(/^reference_fiche=null: /);
    expect(reasonFor({ ...real, reference_fiche: '  ' })).toBe('reference_fiche="  ": a recall needs a reference');
    expect(reasonFor({ ...real, date_de_publication: '2021-02-30' })).toBe(
      'date_de_publication="2021-02-30": expected a date as YYYY-MM-DD',
    );
    expect(reasonFor({ ...real, ndeg_de_version: 'three' })).toMatch(/^ndeg_de_version="three": .*number/);
  });

  it('lists every problem of a record', () => {
    const result = validateRecord(rappelconso0Source, { ...real, reference_fiche: 7, date_de_publication: null });
    expect(result.valid).toBe(false);
    if (!result.valid)
      expect(result.problems.map((problem) => problem.field)).toEqual(['reference_fiche', 'date_de_publication']);
  });
});
