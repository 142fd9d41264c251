/** runPiped, against real processes: the stream arrives whole, and a failing side is named. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPiped } from './process.ts';

describe('runPiped', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-piped-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('streams the producer into the consumer', async () => {
    const out = path.join(dir, 'out');
    await runPiped(['head', ['-c', '3000000', '/dev/zero']], ['sh', ['-c', `wc -c > ${out}`]], path.join(dir, 'log'));
    expect(fs.readFileSync(out, 'utf8').trim()).toBe('3000000');
  });

  it('fails naming the side that failed, with its output in the log', async () => {
    const log = path.join(dir, 'log');
    await expect(
      runPiped(['printf', ['x']], ['sh', ['-c', 'cat >/dev/null; echo broken >&2; exit 3']], log),
    ).rejects.toThrow(`sh exited 3 (log: ${log})`);
    expect(fs.readFileSync(log, 'utf8')).toContain('broken');
  });
});
