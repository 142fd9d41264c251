import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { kafkajsLogCreator } from './kafkajs-log.ts';

function capture() {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  const log = kafkajsLogCreator(pino({ level: 'debug' }, sink))(logLevel.DEBUG);
  return { lines, log };
}

const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
  namespace: 'Connection',
  level,
  label: 'ERROR',
  log: { timestamp: '2026-11-30T00:00:00.000Z', message, ...extra },
});

describe('kafkajsLogCreator', () => {
  it('logs a broker error that kafkajs retries at info, not error', () => {
    const { lines, log } = capture();
    log(
      entry(logLevel.ERROR, 'Response FindCoordinator(key: 10, version: 2)', {
        error: "The coordinator is loading and hence can't process requests for this group",
      }),
    );
    expect(lines.map((line) => line.level)).toEqual([30]);
  });

  it('keeps every other error at error, and the other levels as they are', () => {
    const { lines, log } = capture();
    log(entry(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', { error: 'Topic authorization failed' }));
    log(entry(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded'));
    log(entry(logLevel.WARN, 'a warning'));
    log(entry(logLevel.INFO, 'some information'));
    log(entry(logLevel.DEBUG, 'details'));
    expect(lines.map((line) => line.level)).toEqual([50, 50, 40, 30, 20]);
  });
});
