/**
 * Structured JSON logs (pino) for every long-running part: producer, consumer, API server,
 * operator. One line per event on stderr, so stdout stays free for a command's own output.
 * RECALL_LOG_LEVEL picks the level (default info).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(component: string, level = process.env.RECALL_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: component, level, base: { component } }, pino.destination({ fd: 2, sync: true }));
}
