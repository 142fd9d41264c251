/**
 * Runs a command's work with an AbortSignal that SIGTERM and SIGINT trigger, so a Job's pod being
 * stopped or a Ctrl-C ends the work cleanly (the batch in flight finished and committed) instead
 * of killing it midway.
 *
 * A stop is also bounded: Kubernetes sends SIGKILL 30 s after SIGTERM by default, and a run stuck
 * on a peer that no longer answers would otherwise take all of that. If the work has not ended
 * STOP_DEADLINE_MS after the signal, or a second signal arrives, the process exits at once. That
 * abandons the batch in flight without committing it, which is safe: offsets and checkpoints only
 * ever move after the data they cover is stored, so the next run redoes that batch.
 */
import os from 'node:os';

export const STOP_DEADLINE_MS = 8_000;
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface StoppableRun<T> {
  readonly result: T;
  /** The signal that asked the work to stop, when one did. */
  readonly stoppedBy: StopSignal | undefined;
}

/** The shell's convention for a process ended by a signal: 128 + its number (143 for SIGTERM). */
export function signalExitCode(signal: StopSignal): number {
  return 128 + os.constants.signals[signal];
}

export async function untilStopped<T>(
  work: (signal: AbortSignal) => Promise<T>,
  deadlineMs = STOP_DEADLINE_MS,
): Promise<StoppableRun<T>> {
  const stop = new AbortController();
  let stoppedBy: StopSignal | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const abandon = (signal: StopSignal, why: string) => {
    process.stderr.write(
      `recall: stopped by ${signal}: ${why}; abandoned the batch in flight, uncommitted (the next run redoes it)\n`,
    );
    process.exit(signalExitCode(signal));
  };
  const onSignal = (signal: StopSignal) => {
    if (stoppedBy !== undefined) abandon(signal, `a second stop signal after ${stoppedBy}`);
    stoppedBy = signal;
    stop.abort(new Error(`stopped by ${signal}`));
    deadline = setTimeout(() => abandon(signal, `the work had not ended ${deadlineMs / 1000} s later`), deadlineMs);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    return { result: await work(stop.signal), stoppedBy };
  } finally {
    clearTimeout(deadline);
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}
