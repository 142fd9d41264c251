/**
 * What a producer or consumer run reports to whoever started it, as one line of JSON in a file.
 *
 * In a Job the file is the container's termination message (/dev/termination-log), which the
 * kubelet copies into the pod's status: the operator reads the counts of a finished run from there
 * into the pipeline's status, with no channel of its own to the data plane and no database access.
 * The kubelet keeps at most 4096 bytes, far more than a report holds.
 */
import fs from 'node:fs';
import { z } from 'zod';

const count = z.int().min(0);

const runReportSchema = z.discriminatedUnion('step', [
  z.object({
    step: z.literal('produce'),
    sent: count,
    deadLettered: count,
    /** The producer's checkpoint after the run, as people read it; absent before any record. */
    checkpoint: z.string().max(1024).optional(),
  }),
  z.object({
    step: z.literal('consume'),
    inserted: count,
    updated: count,
    deadLettered: count,
    /** Rows in the table once the run was done. */
    tableRows: count,
  }),
]);

export type RunReport = z.infer<typeof runReportSchema>;

/** The environment variable naming the report file, set by the Jobs' pod template. */
export const REPORT_FILE_VARIABLE = 'RECALL_REPORT_FILE';

/** Writes the report to `--report-file`'s value, else to RECALL_REPORT_FILE's; nowhere when neither is set. */
export function writeRunReport(report: RunReport, flag: string | undefined, env: NodeJS.ProcessEnv): void {
  const file = flag ?? env[REPORT_FILE_VARIABLE];
  if (file) fs.writeFileSync(file, `${JSON.stringify(runReportSchema.parse(report))}\n`);
}

/** The report in a termination message, or undefined when there is none (a failed run's log tail, say). */
export function parseRunReport(text: string | undefined): RunReport | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = runReportSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
