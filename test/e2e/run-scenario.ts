#!/usr/bin/env node
/**
 * `npm run e2e:kind -- [--data FILE] [--expected FILE]... [-- VITEST_ARGS...]`
 *
 * Runs the end-to-end tier (vitest project `e2e`, on the kind cluster) with the pipeline scenario
 * loading FILE's records and checking the table against the expected-rows FILEs (default: the
 * shared rappelconso0 data). The files are checked here, before the cluster spends minutes on a
 * typo, and reach vitest's workers through the variables of ./scenario-inputs.ts.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultScenarioInputs, requireFile, scenarioEnvironment, type ScenarioInputs } from './scenario-inputs.ts';

const USAGE = `usage: npm run e2e:kind -- [--data FILE] [--expected FILE]... [-- VITEST_ARGS...]
  --data FILE      records JSONL the in-cluster API serves (default: the shared rappelconso0 records)
  --expected FILE  expected-rows JSONL the table must equal; repeat for several files, a later file
                   winning for a reference they share (default: the shared rappelconso0 expected rows)
  after --         passed to vitest, e.g. test/e2e/pipeline.test.ts to run the pipeline scenario alone`;

export interface ScenarioCommand {
  readonly inputs: ScenarioInputs;
  readonly vitestArgs: readonly string[];
}

/** Reads the command line; throws with the usage when it is not one. */
export async function parseScenarioCommand(argv: readonly string[]): Promise<ScenarioCommand> {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? argv : argv.slice(0, separator);
  let values: { data?: string; expected?: string[] };
  try {
    ({ values } = parseArgs({
      args: [...own],
      options: { data: { type: 'string' }, expected: { type: 'string', multiple: true } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, { cause: error });
  }
  const defaults =
    values.data === undefined || values.expected === undefined ? await defaultScenarioInputs() : undefined;
  return {
    inputs: {
      data: values.data === undefined ? defaults!.data : requireFile('--data', values.data),
      expected:
        values.expected === undefined
          ? defaults!.expected
          : values.expected.map((file) => requireFile('--expected', file)),
    },
    vitestArgs: separator === -1 ? [] : argv.slice(separator + 1),
  };
}

/**
 * `npm run e2e:kind --data F`, without the `--` before the flags, hands them to npm as settings of
 * its own instead of to the script, which would then run on the default data without a word.
 */
function flagsTakenByNpm(env: NodeJS.ProcessEnv): string[] {
  return ['data', 'expected'].filter((name) => env[`npm_config_${name}`] !== undefined);
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const taken = flagsTakenByNpm(process.env);
  if (taken.length > 0) {
    throw new Error(
      `npm took ${taken.map((name) => `--${name}`).join(' and ')} as its own setting: ` +
        `write npm run e2e:kind -- --data FILE --expected FILE\n${USAGE}`,
    );
  }
  const { inputs, vitestArgs } = await parseScenarioCommand(argv);
  process.stderr.write(`e2e:kind: records ${inputs.data}; expected rows ${inputs.expected.join(', ')}\n`);

  const vitest = path.join(import.meta.dirname, '..', '..', 'node_modules', 'vitest', 'vitest.mjs');
  const child = spawn(
    process.execPath,
    // As `npm run test:e2e` runs it: kafkajs's negative timer warning is noise (see vitest.config.ts).
    ['--disable-warning=TimeoutNegativeWarning', vitest, 'run', '--project', 'e2e', ...vitestArgs],
    { stdio: 'inherit', env: { ...process.env, ...scenarioEnvironment(inputs) } },
  );
  // Ctrl-C reaches vitest from the terminal itself; a signal sent to this process alone is passed on.
  process.on('SIGINT', () => undefined);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // Killed by a signal: the shell's convention, 128 + its number.
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  });
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`e2e:kind: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
