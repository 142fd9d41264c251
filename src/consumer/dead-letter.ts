/**
 * What goes to the dead-letter topic for a message that cannot be stored: the original key and
 * value byte for byte (nothing is lost, even if it is not text), and, in headers, why and where it
 * came from, so it can be inspected and replayed.
 */
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

export const DEAD_LETTER_HEADERS = {
  reason: 'recall-dead-letter-reason',
  topic: 'recall-dead-letter-topic',
  partition: 'recall-dead-letter-partition',
  offset: 'recall-dead-letter-offset',
} as const;

export interface Origin {
  readonly topic: string;
  readonly partition: number;
}

export function deadLetterMessage(message: KafkaMessage, origin: Origin, reason: string): Message {
  const headers: IHeaders = {
    ...message.headers,
    [DEAD_LETTER_HEADERS.reason]: reason,
    [DEAD_LETTER_HEADERS.topic]: origin.topic,
    [DEAD_LETTER_HEADERS.partition]: String(origin.partition),
    [DEAD_LETTER_HEADERS.offset]: message.offset,
  };
  return { key: message.key, value: message.value, headers, timestamp: message.timestamp };
}
