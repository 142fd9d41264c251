import fs from 'node:fs';
import type { IHeaders } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { parseRecallMessage } from './parse-recall-message.ts';
import { RAPPELCONSO0_RECORDS, RAPPELCONSO_V2_SAMPLE } from '../../test/real-data.ts';

const raw = JSON.parse(fs.readFileSync(RAPPELCONSO0_RECORDS, 'utf8').split('\n')[0]!) as Record<string, unknown>;
const headers: IHeaders = { 'recall-dataset': 'rappelconso0', 'recall-fetched-at': '2024-05-01T08:00:00Z' };
const key = Buffer.from(String(raw.reference_fiche));
const value = (record: unknown) => Buffer.from(JSON.stringify(record));

describe('parseRecallMessage', () => {
  it('accepts a real record keyed by its reference, mapped onto the canonical record', () => {
    const text = JSON.stringify(raw);
    const parsed = parseRecallMessage({ key, value: Buffer.from(text), headers });
    expect(parsed.ok && parsed.message).toMatchObject({
      dataset: 'rappelconso0',
      fetchedAt: '2024-05-01T08:00:00Z',
      record: { reference_fiche: raw.reference_fiche },
      rawJson: text,
    });
  });

  it("maps a v2 record with its dataset's mapper", () => {
    const v2 = (JSON.parse(fs.readFileSync(RAPPELCONSO_V2_SAMPLE, 'utf8')) as { recalls: Record<string, unknown>[] })
      .recalls[0]!;
    const parsed = parseRecallMessage({
      key: Buffer.from(String(v2.numero_fiche)),
      value: value(v2),
      headers: { 'recall-dataset': 'rappelconso-v2-gtin-espaces', 'recall-fetched-at': '2026-08-22T08:00:00Z' },
    });
    expect(parsed.ok && parsed.message.record.reference_fiche).toBe(v2.numero_fiche);
  });

  it.each([
    ['no value', { key, value: null, headers }, 'the message has no value'],
    ['not JSON', { key, value: Buffer.from('{oops'), headers }, 'the value is not JSON: '],
    ['a value that is not an object', { key, value: value([raw]), headers }, 'value=[{'],
    ['a bad field', { key, value: value({ ...raw, ndeg_de_version: -1 }), headers }, 'ndeg_de_version=-1: '],
    [
      'an unknown dataset',
      { key, value: value(raw), headers: { ...headers, 'recall-dataset': 'other' } },
      'header recall-dataset="other": ',
    ],
    [
      'a missing header',
      { key, value: value(raw), headers: { 'recall-dataset': 'rappelconso0' } },
      'header recall-fetched-at=missing: ',
    ],
    [
      'another key',
      { key: Buffer.from('B'), value: value(raw), headers },
      `key="B": expected the record's reference_fiche "${String(raw.reference_fiche)}"`,
    ],
    ['no key', { key: null, value: value(raw), headers }, 'key=null: '],
    ['a NUL character', { key, value: value({ ...raw, text: 'a\u0000b' }), headers }, 'NUL character'],
    [
      'a version too large',
      { key, value: value({ ...raw, ndeg_de_version: 2 ** 31 }), headers },
      'ndeg_de_version=2147483648: larger',
    ],
  ])('refuses %s, saying which field and value', (_, message, reason) => {
    const parsed = parseRecallMessage(message);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});
