import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './recall.ts';

const COMMANDS = ['check', 'migrate', 'api', 'produce', 'consume', 'pipeline', 'operator'];

function captureStdout(): () => string {
  let written = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
  return () => written;
}

describe('recall', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists every command, and how to ask one for its options', async () => {
    const output = captureStdout();
    expect(await main(['help'], {})).toBe(0);
    for (const name of COMMANDS) expect(output()).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(output()).toContain('recall <command> --help');
  });

  it.each(COMMANDS)('%s --help prints its usage and runs nothing', async (name) => {
    const output = captureStdout();
    expect(await main([name, '--help'], {})).toBe(0);
    expect(output()).toMatch(new RegExp(`^usage: recall ${name}`));
    expect(output().split('\n').length).toBeGreaterThan(2);
  });
});
