/**
 * `recall produce --pipeline NAME [--dataset ID] [--api-url URL] [--topic T] [--dead-letter-topic T]
 * [--page-size N] [--filter ODSQL] [--since YYYY-MM-DD] [--max-records N] [--dry-run] [--report-file FILE]`: one producer
 * run (see run-producer.ts); a summary line on stdout and, with --report-file or RECALL_REPORT_FILE, a JSON report.
 * SIGTERM or SIGINT stops it after the current page, sent and checkpointed.
 */
import { parseArgs } from 'node:util';
import type { Command } from '../cli/command.ts';
import { connectionUsage, connectionFlagOptions, connectionFlags } from '../cli/connection-flags.ts';
import { signalExitCode, untilStopped } from '../cli/until-stopped.ts';
import { kafkaSettings, postgresSettings } from '../config/connection-settings.ts';
import { DEFAULT_API_URL, DEFAULT_TOPIC, parseDataset } from '../../contract/pipeline-defaults.ts';
import { MAX_PAGE_SIZE } from '../source/explore-limits.ts';
import { writeRunReport } from '../../contract/run-report.ts';
import { describeCheckpoint, runProducer, type ProducerSummary } from './run-producer.ts';

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number <= 0) {
    throw new Error(`${flag}="${value}": expected a positive whole number`);
  }
  return number;
}

function pageSize(value: string | undefined): number | undefined {
  const size = positiveInteger('--page-size', value);
  if (size !== undefined && size > MAX_PAGE_SIZE) {
    throw new Error(`--page-size="${value}": the API returns at most ${MAX_PAGE_SIZE} records per page`);
  }
  return size;
}

export function summaryLine(summary: ProducerSummary): string {
  return (
    `${summary.dryRun ? 'dry run: ' : ''}pipeline ${summary.pipeline} dataset ${summary.dataset} topic ${summary.topic}: ` +
    `fetched ${summary.fetched}, sent ${summary.sent}, dead-lettered ${summary.deadLettered}, ` +
    `already sent ${summary.alreadySent}, checkpoint ${describeCheckpoint(summary.checkpoint)} ` +
    `(${summary.windows} window(s), ${summary.requests} request(s), ${(summary.durationMs / 1000).toFixed(2)} s)`
  );
}

export const produceCommand: Command = {
  name: 'produce',
  usage: `usage: recall produce --pipeline NAME [options]
  --pipeline NAME            whose checkpoint to read and advance (required)
  --dataset ID               rappelconso0 (default) or rappelconso-v2-gtin-espaces
  --api-url URL              up to and excluding /api/explore/v2.1 (default ${DEFAULT_API_URL})
  --topic T                  default ${DEFAULT_TOPIC}, created when missing
  --dead-letter-topic T      default <topic>.dead-letter
  --page-size N              records per request, at most ${MAX_PAGE_SIZE}
  --filter ODSQL             an extra condition for the API
  --since YYYY-MM-DD         leave out what was published before (the checkpoint wins when later)
  --max-records N            stop after N new records
  --dry-run                  read and validate; send nothing, leave the checkpoint
  --report-file FILE         write the run's counts as JSON (default: RECALL_REPORT_FILE)
${connectionUsage()}`,

  async run(argv, env) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        pipeline: { type: 'string' },
        dataset: { type: 'string' },
        'api-url': { type: 'string' },
        topic: { type: 'string' },
        'dead-letter-topic': { type: 'string' },
        'page-size': { type: 'string' },
        filter: { type: 'string' },
        since: { type: 'string' },
        'max-records': { type: 'string' },
        'dry-run': { type: 'boolean' },
        'report-file': { type: 'string' },
        ...connectionFlagOptions,
      },
      strict: true,
    });
    if (values.pipeline === undefined)
      throw new Error('--pipeline is required: the RecallPipeline whose checkpoint to use');
    const pipeline = values.pipeline;
    const flags = connectionFlags(values);
    const { result: summary, stoppedBy } = await untilStopped((signal) =>
      runProducer({
        pipeline,
        dataset: parseDataset(values.dataset),
        apiUrl: values['api-url'] ?? DEFAULT_API_URL,
        topic: values.topic ?? DEFAULT_TOPIC,
        deadLetterTopic: values['dead-letter-topic'],
        pageSize: pageSize(values['page-size']),
        filter: values.filter,
        since: values.since,
        maxRecords: positiveInteger('--max-records', values['max-records']),
        dryRun: values['dry-run'] ?? false,
        postgres: postgresSettings(env, flags),
        // A dry run sends nothing, so it needs no broker address.
        kafka: values['dry-run'] ? { brokers: [] } : kafkaSettings(env, flags),
        signal,
      }),
    );
    process.stdout.write(`${summaryLine(summary)}\n`);
    if (!summary.dryRun) {
      const { sent, deadLettered, checkpoint } = summary;
      const described = checkpoint && describeCheckpoint(checkpoint);
      writeRunReport({ step: 'produce', sent, deadLettered, checkpoint: described }, values['report-file'], env);
    }
    if (stoppedBy !== undefined && !summary.complete) {
      process.stderr.write(
        `recall produce: stopped by ${stoppedBy} before reading everything; checkpoint ${describeCheckpoint(summary.checkpoint)}, the next run goes on from there\n`,
      );
      return signalExitCode(stoppedBy);
    }
    return 0;
  },
};
