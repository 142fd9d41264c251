/** Which files the scenario runs on, as vitest's workers read them: no cluster needed (unit tests). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RAPPELCONSO0_EXPECTED_ROWS, RAPPELCONSO0_RECORDS, REAL_DATA_DIR } from '../real-data.ts';
import {
  DATA_VARIABLE,
  defaultScenarioInputs,
  EXPECTED_VARIABLE,
  scenarioEnvironment,
  scenarioInputsFrom,
} from './scenario-inputs.ts';

const V2_SAMPLE = path.join(REAL_DATA_DIR, 'rappelconso-v2', 'sample-19.json');

describe('the scenario’s inputs', () => {
  it('are the shared rappelconso0 records and expected rows by default', async () => {
    expect(await defaultScenarioInputs()).toEqual({
      data: RAPPELCONSO0_RECORDS,
      expected: [RAPPELCONSO0_EXPECTED_ROWS],
    });
    expect(await scenarioInputsFrom({})).toEqual(await defaultScenarioInputs());
  });

  it('travel to the workers in two variables and come back the same', async () => {
    const inputs = { data: V2_SAMPLE, expected: [RAPPELCONSO0_EXPECTED_ROWS, V2_SAMPLE] };
    const env = scenarioEnvironment(inputs);
    expect(env).toEqual({ [DATA_VARIABLE]: V2_SAMPLE, [EXPECTED_VARIABLE]: JSON.stringify(inputs.expected) });
    expect(await scenarioInputsFrom(env)).toEqual(inputs);
  });

  it('take a variable set by hand as one path or a PATH-like list, and default what is unset', async () => {
    expect(await scenarioInputsFrom({ [EXPECTED_VARIABLE]: V2_SAMPLE })).toEqual({
      data: RAPPELCONSO0_RECORDS,
      expected: [V2_SAMPLE],
    });
    expect(
      await scenarioInputsFrom({ [EXPECTED_VARIABLE]: [V2_SAMPLE, RAPPELCONSO0_EXPECTED_ROWS].join(path.delimiter) }),
    ).toEqual({ data: RAPPELCONSO0_RECORDS, expected: [V2_SAMPLE, RAPPELCONSO0_EXPECTED_ROWS] });
    expect(await scenarioInputsFrom({ [DATA_VARIABLE]: V2_SAMPLE })).toEqual({
      data: V2_SAMPLE,
      expected: [RAPPELCONSO0_EXPECTED_ROWS],
    });
  });

  it('need no shared data when both are given', async () => {
    const noDefaults = () => Promise.reject(new Error('the defaults were read'));
    const env = scenarioEnvironment({ data: V2_SAMPLE, expected: [V2_SAMPLE] });
    expect(await scenarioInputsFrom(env, noDefaults)).toEqual({ data: V2_SAMPLE, expected: [V2_SAMPLE] });
  });

  it('fail naming the variable and the path of a file that is not there', async () => {
    await expect(scenarioInputsFrom({ [DATA_VARIABLE]: '/nowhere/records.jsonl' })).rejects.toThrow(
      `${DATA_VARIABLE} /nowhere/records.jsonl: no such file`,
    );
    await expect(scenarioInputsFrom({ [EXPECTED_VARIABLE]: JSON.stringify([REAL_DATA_DIR]) })).rejects.toThrow(
      `${EXPECTED_VARIABLE} ${REAL_DATA_DIR}: not a file`,
    );
    await expect(scenarioInputsFrom({ [EXPECTED_VARIABLE]: '["a", 1]' })).rejects.toThrow(
      'expected a JSON array of file paths',
    );
  });
});
