/**
 * The connection file: what `npm run env:up` started and how to reach it. One git-ignored file,
 * `.cache/connection.env`, of `export NAME=value` lines that a shell can source; tests read it
 * through `connectionFor`, which fails loudly when the component is not running.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectionEnv } from './component.ts';
import { componentEntry, type ComponentName } from './components.ts';
import { cacheDir, envContext } from './context.ts';

/** Per component, the variables it exported; in the file, one `# component: NAME` section each. */
export type ConnectionRecord = Record<string, ConnectionEnv>;

const SECTION = /^# component: (\S+)$/;
const EXPORT = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

export const START_COMMAND = 'npm run env:up';

export function connectionEnvFile(): string {
  return path.join(cacheDir(), 'connection.env');
}

export function readConnections(): ConnectionRecord {
  let text: string;
  try {
    text = fs.readFileSync(connectionEnvFile(), 'utf8');
  } catch {
    return {};
  }
  const record: ConnectionRecord = {};
  let section: ConnectionEnv | undefined;
  for (const line of text.split('\n')) {
    const component = SECTION.exec(line)?.[1];
    if (component !== undefined) record[component] = section = {};
    const variable = EXPORT.exec(line);
    if (variable && section) section[variable[1]!] = shellUnquote(variable[2]!);
  }
  return record;
}

/** Shell-quotes a value so that `eval` and `source` read it back unchanged. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The inverse of shellQuote, for the file this module wrote. */
function shellUnquote(text: string): string {
  return text.startsWith("'") && text.endsWith("'") ? text.slice(1, -1).replaceAll(`'\\''`, "'") : text;
}

export function exportLines(record: ConnectionRecord): string {
  const lines = Object.entries(record).flatMap(([component, env]) => [
    `# component: ${component}`,
    ...Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
  ]);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Every running component's variables in one environment (what a client process would get). */
export function mergedConnections(record: ConnectionRecord = readConnections()): ConnectionEnv {
  const merged: ConnectionEnv = {};
  for (const env of Object.values(record)) Object.assign(merged, env);
  return merged;
}

export function writeConnections(record: ConnectionRecord): void {
  fs.mkdirSync(cacheDir(), { recursive: true });
  fs.writeFileSync(
    connectionEnvFile(),
    `# Written by \`${START_COMMAND}\`; source it: . ${path.relative(process.cwd(), connectionEnvFile())}\n${exportLines(record)}`,
    { mode: 0o600 },
  );
}

/**
 * The connection variables of a running component. Throws, naming the component and the command
 * that starts it, when it is not running: a test must fail then, never skip.
 */
export async function connectionFor(name: ComponentName): Promise<ConnectionEnv> {
  const entry = componentEntry(name);
  const component = await entry.load();
  const status = await component.status(envContext(mergedConnections()));
  const env = readConnections()[name];
  if (!status.running || env === undefined) {
    throw new Error(`${entry.label} (${name}) is not running (${status.detail}). Start it with: ${START_COMMAND}`);
  }
  return env;
}
