/**
 * vitest globalSetup for the integration tests: makes sure every component runs, starting (and,
 * the first time, provisioning) what is not running yet. What it started it stops again at the end,
 * so `npm test` leaves no process behind; what was already up (`npm run env:up`) stays up.
 *
 * A component that cannot be started does not abort the run: its tests then fail through
 * `connectionFor` with a message that names it and the command that starts it.
 * RECALL_ENV_AUTOSTART=0 starts nothing.
 */
import { componentEntries } from './components.ts';
import { mergedConnections } from './connection.ts';
import { envContext } from './context.ts';
import { down, up } from './env.ts';

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.RECALL_ENV_AUTOSTART === '0') return async () => {};
  const ctx = envContext();
  const started: string[] = [];
  for (const entry of componentEntries) {
    const component = await entry.load();
    const status = await component.status(envContext(mergedConnections()));
    if (status.running) continue;
    try {
      await up([entry.name]);
      started.push(entry.name);
    } catch (error) {
      ctx.log(`globalSetup: could not start ${entry.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return async () => {
    if (started.length > 0 && process.env.RECALL_ENV_KEEP !== '1') await down(started);
  };
}
