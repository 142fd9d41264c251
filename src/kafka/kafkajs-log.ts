/** kafkajs's own log lines, sent through our pino logger so a consumer's stderr is one JSON stream. */
import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../logging/logger.ts';

export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      const fields = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}
