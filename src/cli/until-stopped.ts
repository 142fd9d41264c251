/**
 * Runs a command's work with an AbortSignal that SIGTERM and SIGINT trigger, so a Job's pod being
 * stopped or a Ctrl-C ends the work cleanly (the batch in flight finished and committed) instead
 * of killing it midway.
 */
export async function untilStopped<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    return await work(stop.signal);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
