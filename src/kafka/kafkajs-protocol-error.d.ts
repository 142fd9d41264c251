/** kafkajs's table of broker error codes, which it keeps internal (see kafkajs-log.ts). */
declare module 'kafkajs/src/protocol/error.js' {
  export const errorCodes: readonly { type: string; code: number; retriable: boolean; message: string }[];
}
