/**
 * The counts of a finished run, read from its pods' termination messages (src/reporting/
 * run-report.ts writes them) into the pipeline's status. Read once per finished step, when the run
 * moves on, so a steady pipeline still costs no request.
 */
import { parseRunReport, type RunReport } from '../contract/run-report.ts';
import { POD_KIND } from './owned-kinds.ts';
import type { Cluster } from './runtime/cluster.ts';
import type { LastRun } from './runs.ts';

type ProduceReport = Extract<RunReport, { step: 'produce' }>;
type ConsumeReport = Extract<RunReport, { step: 'consume' }>;

export interface RunReports {
  produce?: ProduceReport;
  consume?: ConsumeReport;
}

interface ContainerStatus {
  state?: { terminated?: { exitCode?: number; message?: string } };
}

/** The report of a Job's pod that ended well; undefined when no pod left one (gone, or failed). */
export async function readRunReport(
  cluster: Cluster,
  namespace: string,
  jobName: string,
): Promise<RunReport | undefined> {
  // The Job controller labels its pods with the Job's name.
  const pods = await cluster.list(POD_KIND, namespace, `batch.kubernetes.io/job-name=${jobName}`);
  for (const pod of pods) {
    const statuses = (pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [];
    for (const status of statuses) {
      const terminated = status.state?.terminated;
      if (terminated?.exitCode !== 0) continue;
      const report = parseRunReport(terminated.message);
      if (report) return report;
    }
  }
  return undefined;
}

/**
 * The run with the counts its reports give; counts without a report stay as they were. The
 * producer's report is read as the consumer starts, and again at the end; if its pod is gone by
 * then, the dead letters it counted are the ones already in the run.
 */
export function withReports(lastRun: LastRun, reports: RunReports): LastRun {
  const { produce, consume } = reports;
  const producerDeadLetters = produce?.deadLettered ?? lastRun.recordsDeadLettered;
  return {
    ...lastRun,
    ...(produce ? { recordsProduced: produce.sent } : {}),
    ...(consume ? { recordsLoaded: consume.inserted + consume.updated } : {}),
    recordsDeadLettered: producerDeadLetters + (consume?.deadLettered ?? 0),
  };
}
