import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../records/dataset-source.ts';
import { rappelconso0Source } from '../records/rappelconso0-source.ts';
import { rappelconsoV2Source } from '../records/rappelconso-v2-source.ts';
import { recordIdentity, ResumeCursor } from './checkpoint.ts';

/** Real keys: A12/1457/18 was published twice on 2018-10-05 with two GUIDs (a Safety Gate import). */
const first: RawRecord = { reference_fiche: 'A12/1457/18', rappelguid: '5b27de1c', date_de_publication: '2018-10-05' };
const twin: RawRecord = { ...first, rappelguid: 'd76fb22c' };
const sameDay: RawRecord = { reference_fiche: '2018-10-0007', rappelguid: 'aa11', date_de_publication: '2018-10-05' };
const nextDay: RawRecord = { reference_fiche: '2018-10-0011', rappelguid: 'bb22', date_de_publication: '2018-10-08' };

describe('ResumeCursor', () => {
  it('starts from the beginning, or from --since, without a checkpoint', () => {
    expect(new ResumeCursor(rappelconso0Source, undefined).lowerBound).toBeUndefined();
    expect(new ResumeCursor(rappelconso0Source, undefined, '2023-01-01').lowerBound).toBe('2023-01-01');
  });

  it('remembers every identity acknowledged at the last publication value, and only those', () => {
    const cursor = new ResumeCursor(rappelconso0Source, undefined);
    for (const raw of [sameDay, first]) cursor.acknowledge(raw);
    expect(cursor.checkpoint).toEqual({
      publication: '2018-10-05',
      sentAtPublication: ['2018-10-0007#aa11', 'A12/1457/18#5b27de1c'],
    });
    cursor.acknowledge(nextDay);
    expect(cursor.checkpoint).toEqual({ publication: '2018-10-08', sentAtPublication: ['2018-10-0011#bb22'] });
  });

  it('after a crash between two records sharing date and reference, sends the second one', () => {
    const before = new ResumeCursor(rappelconso0Source, undefined);
    before.acknowledge(first);
    const after = new ResumeCursor(rappelconso0Source, before.checkpoint);
    expect(after.lowerBound).toBe('2018-10-05');
    expect(after.alreadySent(first)).toBe(true);
    expect(after.alreadySent(twin)).toBe(false);
  });

  it('sends a record published later on the checkpoint day even with a smaller reference', () => {
    const cursor = new ResumeCursor(rappelconso0Source, {
      publication: '2018-10-05',
      sentAtPublication: [recordIdentity(rappelconso0Source, first)],
    });
    expect(cursor.alreadySent(sameDay)).toBe(false);
  });

  it('lets a later --since win over the checkpoint, and the checkpoint win over an earlier one', () => {
    const checkpoint = { publication: '2020-01-01', sentAtPublication: [] };
    expect(new ResumeCursor(rappelconso0Source, checkpoint, '2021-01-01').lowerBound).toBe('2021-01-01');
    expect(new ResumeCursor(rappelconso0Source, checkpoint, '2019-01-01').lowerBound).toBe('2020-01-01');
  });

  it('does not move for a record without a readable publication, nor backwards', () => {
    const cursor = new ResumeCursor(rappelconso0Source, undefined);
    cursor.acknowledge(nextDay);
    cursor.acknowledge({ ...sameDay, date_de_publication: '31/12/2099' });
    cursor.acknowledge(first);
    expect(cursor.checkpoint?.publication).toBe('2018-10-08');
  });

  it('compares v2 instants, not their spelling', () => {
    const raw: RawRecord = {
      numero_fiche: '2026-08-0195',
      rappel_guid: 'd40f',
      date_publication: '2026-08-21T09:30:07+00:00',
    };
    const cursor = new ResumeCursor(rappelconsoV2Source, {
      publication: '2026-08-21T09:30:07Z',
      sentAtPublication: ['2026-08-0195#d40f'],
    });
    expect(cursor.alreadySent(raw)).toBe(true);
  });

  it('knows a record without a reference by its content', () => {
    expect(recordIdentity(rappelconso0Source, { date_de_publication: '2018-10-05' })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
