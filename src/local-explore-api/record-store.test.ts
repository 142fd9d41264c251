import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecordsFile } from './record-store.ts';

describe('readRecordsFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-store-'));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('reads every line whatever the chunk size, characters split across chunks included', () => {
    const records = [{ motif: 'Présence de Listeria' }, { motif: 'œufs « frais »' }, { motif: null }];
    const file = write('records.jsonl', `${records.map((record) => JSON.stringify(record)).join('\n')}\n\n`);
    for (const chunkBytes of [1, 3, 7, 64, 1 << 20]) expect(readRecordsFile(file, chunkBytes)).toEqual(records);
  });

  it('names the line that is not a JSON object', () => {
    const file = write('bad.jsonl', '{"a":1}\n[1]\n');
    expect(() => readRecordsFile(file, 4)).toThrow(`${file}:2: expected a JSON object per line, found [1]`);
  });
});
