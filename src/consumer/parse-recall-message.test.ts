import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRecallMessage } from './parse-recall-message.ts';
import { RAPPELCONSO0_RECORDS } from '../../test/real-data.ts';

const raw = JSON.parse(fs.readFileSync(RAPPELCONSO0_RECORDS, 'utf8').split('\n')[0]!) as Record<string, unknown>;
const valid = { dataset: 'rappelconso0', fetchedAt: '2024-05-01T08:00:00Z', record: raw, raw };
const key = Buffer.from(String(raw.reference_fiche));
const value = (message: unknown) => Buffer.from(JSON.stringify(message));

describe('parseRecallMessage', () => {
  it('accepts a real record keyed by its reference', () => {
    const parsed = parseRecallMessage(key, value(valid));
    expect(parsed.ok && parsed.message.record.reference_fiche).toBe(raw.reference_fiche);
  });

  it.each([
    ['no value', key, null, 'the message has no value'],
    ['not JSON', key, Buffer.from('{oops'), 'the value is not JSON: '],
    ['a bad field', key, value({ ...valid, record: { ...raw, ndeg_de_version: -1 } }), 'record.ndeg_de_version=-1: '],
    ['an unknown dataset', key, value({ ...valid, dataset: 'other' }), 'dataset="other": '],
    ['a missing field', key, value({ ...valid, fetchedAt: undefined }), 'fetchedAt=missing: '],
    [
      'another key',
      Buffer.from('B'),
      value(valid),
      `key="B": expected the record's reference_fiche "${String(raw.reference_fiche)}"`,
    ],
    ['no key', null, value(valid), 'key=null: '],
    ['a NUL character', key, value({ ...valid, raw: { text: 'a\u0000b' } }), 'NUL character'],
    [
      'a version too large',
      key,
      value({ ...valid, record: { ...raw, ndeg_de_version: 2 ** 31 } }),
      'record.ndeg_de_version=2147483648: larger',
    ],
  ])('refuses %s, saying which field and value', (_, messageKey, messageValue, reason) => {
    const parsed = parseRecallMessage(messageKey, messageValue);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});
