/** A pipeline's status as `kubectl get rp -o json` shows it, and waiting for one of its runs to end. */
import type { RecallPipelineStatus } from '../../contract/recall-pipeline/status-schema.ts';
import { eventually, kubectlJson } from './kind-fixture.ts';

export async function pipelineStatus(namespace: string, pipeline: string): Promise<RecallPipelineStatus> {
  return (await kubectlJson<{ status?: RecallPipelineStatus }>('get', 'rp', pipeline, '-n', namespace)).status ?? {};
}

/** Waits until the run numbered `number` has ended; returns the status then. */
export function runEnded(
  namespace: string,
  pipeline: string,
  number: number,
  timeoutMs = 900_000,
): Promise<RecallPipelineStatus> {
  return eventually(
    `run ${number} of ${namespace}/${pipeline} to end`,
    async () => {
      const current = await pipelineStatus(namespace, pipeline);
      return current.lastRun?.number === number && current.lastRun.completionTime ? current : undefined;
    },
    timeoutMs,
  );
}
