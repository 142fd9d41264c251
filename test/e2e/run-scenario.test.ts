/** `npm run e2e:kind`'s command line, without running vitest (unit tests). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RAPPELCONSO0_EXPECTED_ROWS, RAPPELCONSO0_RECORDS, REAL_DATA_DIR } from '../real-data.ts';
import { parseScenarioCommand } from './run-scenario.ts';

const V2_SAMPLE = path.join(REAL_DATA_DIR, 'rappelconso-v2', 'sample-19.json');

describe('npm run e2e:kind', () => {
  it('runs on the shared rappelconso0 data without flags', async () => {
    expect(await parseScenarioCommand([])).toEqual({
      inputs: { data: RAPPELCONSO0_RECORDS, expected: [RAPPELCONSO0_EXPECTED_ROWS] },
      vitestArgs: [],
    });
  });

  it('takes --data once, --expected as often as given, and hands what follows -- to vitest', async () => {
    const command = await parseScenarioCommand([
      '--data',
      V2_SAMPLE,
      '--expected',
      RAPPELCONSO0_EXPECTED_ROWS,
      `--expected=${V2_SAMPLE}`,
      '--',
      'test/e2e/pipeline.test.ts',
      '--bail=1',
    ]);
    expect(command).toEqual({
      inputs: { data: V2_SAMPLE, expected: [RAPPELCONSO0_EXPECTED_ROWS, V2_SAMPLE] },
      vitestArgs: ['test/e2e/pipeline.test.ts', '--bail=1'],
    });
  });

  it('makes relative paths absolute, for vitest’s workers', async () => {
    const relative = path.relative(process.cwd(), V2_SAMPLE);
    expect((await parseScenarioCommand(['--expected', relative])).inputs.expected).toEqual([V2_SAMPLE]);
  });

  it('fails naming the flag and the path of a missing file, and on anything else', async () => {
    await expect(parseScenarioCommand(['--data', 'missing.jsonl'])).rejects.toThrow(
      `--data missing.jsonl: no such file (${path.resolve('missing.jsonl')})`,
    );
    await expect(parseScenarioCommand(['--expected', REAL_DATA_DIR])).rejects.toThrow(
      `--expected ${REAL_DATA_DIR}: not a file`,
    );
    await expect(parseScenarioCommand(['--bogus'])).rejects.toThrow(
      /Unknown option '--bogus'[\s\S]*usage: npm run e2e:kind/,
    );
    await expect(parseScenarioCommand(['records.jsonl'])).rejects.toThrow(/usage: npm run e2e:kind/);
  });
});
