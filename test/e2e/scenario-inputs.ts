/**
 * Which files the end-to-end pipeline scenario loads and checks against: the records the in-cluster
 * API serves, and the expected-rows files the table must then equal. `npm run e2e:kind` takes them
 * as flags and hands them to vitest's workers in two environment variables; without them the
 * scenario runs on the shared rappelconso0 data.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A records JSONL file, in the API's record shape. */
export const DATA_VARIABLE = 'RECALL_E2E_DATA';
/** A JSON array of expected-rows JSONL files, later files winning for a reference they share. */
export const EXPECTED_VARIABLE = 'RECALL_E2E_EXPECTED';

export interface ScenarioInputs {
  readonly data: string;
  readonly expected: readonly string[];
}

/**
 * The shared rappelconso0 records and their expected rows. Imported only when needed: test/real-data.ts
 * fails when the shared data is missing, which does not matter to a run given its own files.
 */
export async function defaultScenarioInputs(): Promise<ScenarioInputs> {
  const { RAPPELCONSO0_RECORDS, RAPPELCONSO0_EXPECTED_ROWS } = await import('../real-data.ts');
  return { data: RAPPELCONSO0_RECORDS, expected: [RAPPELCONSO0_EXPECTED_ROWS] };
}

/** Throws naming where the path came from (a flag, a variable) when it is not a file. */
export function requireFile(origin: string, file: string): string {
  const absolute = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    throw new Error(`${origin} ${file}: no such file${absolute === file ? '' : ` (${absolute})`}`);
  }
  if (!stat.isFile()) throw new Error(`${origin} ${file}: not a file`);
  return absolute;
}

/** The variables that carry `inputs` to vitest's workers. */
export function scenarioEnvironment(inputs: ScenarioInputs): Record<string, string> {
  return { [DATA_VARIABLE]: inputs.data, [EXPECTED_VARIABLE]: JSON.stringify(inputs.expected) };
}

/**
 * Reads EXPECTED_VARIABLE: a JSON array as `e2e:kind` writes it, or, set by hand, one path or a
 * list separated as PATH is.
 */
function expectedFiles(value: string): string[] {
  if (!value.trimStart().startsWith('[')) return value.split(path.delimiter).filter((file) => file !== '');
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed) || !parsed.every((file) => typeof file === 'string')) {
    throw new Error(`${EXPECTED_VARIABLE}=${value}: expected a JSON array of file paths`);
  }
  return parsed;
}

/** The inputs the environment names, each checked to exist; what it leaves out comes from `defaults`. */
export async function scenarioInputsFrom(
  env: NodeJS.ProcessEnv,
  defaults: () => Promise<ScenarioInputs> = defaultScenarioInputs,
): Promise<ScenarioInputs> {
  const named = env[EXPECTED_VARIABLE] ? expectedFiles(env[EXPECTED_VARIABLE]) : [];
  const fallback = env[DATA_VARIABLE] && named.length > 0 ? undefined : await defaults();
  return {
    data: env[DATA_VARIABLE] ? requireFile(DATA_VARIABLE, env[DATA_VARIABLE]) : fallback!.data,
    expected: named.length > 0 ? named.map((file) => requireFile(EXPECTED_VARIABLE, file)) : [...fallback!.expected],
  };
}
