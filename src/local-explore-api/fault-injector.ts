/**
 * Faults the local API serves instead of (or before) a normal answer, for the next N requests:
 * how tests make the client retry, time out, back off and give up.
 */

export type Fault =
  /** Answer with this status and the API's error body; 429 and 503 may carry Retry-After. */
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  /** Wait this long, then answer normally: longer than the client's timeout, it times out. */
  | { kind: 'delay'; ms: number }
  /** Answer 200 with the first half of the JSON body, then end the response. */
  | { kind: 'truncate' };

export class FaultInjector {
  #queue: Fault[] = [];

  /** Serves `fault` for the next `times` requests, after the faults already queued. */
  inject(fault: Fault, times = 1): void {
    for (let count = 0; count < times; count++) this.#queue.push(fault);
  }

  /** The fault for the request being served, if any. */
  take(): Fault | undefined {
    return this.#queue.shift();
  }

  get pending(): number {
    return this.#queue.length;
  }

  clear(): void {
    this.#queue = [];
  }
}
