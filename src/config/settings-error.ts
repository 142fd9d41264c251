import type { z } from 'zod';

/** A setting that failed validation; the message names the setting and the value it had. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/**
 * Turns zod issues into one line per bad setting: `PGPORT="abc": expected a port number`.
 * `values` are the raw inputs, so the message can quote what the user actually wrote.
 */
export function settingsError(error: z.ZodError, values: Readonly<Record<string, unknown>>): SettingsError {
  const lines = error.issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    const top = issue.path[0];
    const value = top === undefined ? undefined : values[String(top)];
    return `${key}=${JSON.stringify(value)}: ${issue.message}`;
  });
  return new SettingsError(`invalid settings:\n  ${lines.join('\n  ')}`);
}
