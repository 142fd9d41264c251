/**
 * kafkajs's own log lines, sent through our pino logger so a consumer's stderr is one JSON stream.
 *
 * kafkajs logs every error response from a broker at ERROR, then retries the ones the protocol
 * marks retriable ("The coordinator is loading" on a fresh broker's first consumer group, a leader
 * moving). Those are part of a healthy run, so they are logged at INFO; an error that is not
 * retried surfaces anyway as the command's own failure.
 */
import { logLevel, type logCreator } from 'kafkajs';
// kafkajs exports no table of protocol errors; its internal one is the source of truth for what it retries.
import { errorCodes } from 'kafkajs/src/protocol/error.js';
import type { Logger } from '../logging/logger.ts';
const RETRIED_RESPONSE_ERRORS = new Set(errorCodes.filter((code) => code.retriable).map((code) => code.message));

function isRetriedResponseError(message: string, extra: Record<string, unknown>): boolean {
  return message.startsWith('Response ') && typeof extra.error === 'string' && RETRIED_RESPONSE_ERRORS.has(extra.error);
}

export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      const fields = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR && !isRetriedResponseError(message, extra)) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO || level === logLevel.ERROR) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}
