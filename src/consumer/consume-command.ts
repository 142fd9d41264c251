/**
 * `recall consume --pipeline NAME [--topic T] [--table T] [--dead-letter-topic T] [--until-caught-up]`:
 * runs the sink.
 * With --until-caught-up it exits 0 once the pipeline's group has committed every partition up to
 * its end (what a Kubernetes Job or an Airflow task needs); otherwise it runs until SIGTERM or
 * SIGINT, then finishes the batch in flight, commits and disconnects. Prints a summary line.
 */
import { parseArgs } from 'node:util';
import type { Command } from '../cli/command.ts';
import { connectionUsage, connectionFlagOptions, connectionFlags } from '../cli/connection-flags.ts';
import { DEFAULT_TABLE, DEFAULT_TOPIC } from '../../contract/pipeline-defaults.ts';
import { signalExitCode, untilStopped } from '../cli/until-stopped.ts';
import { kafkaSettings, postgresSettings } from '../config/connection-settings.ts';
import { writeRunReport } from '../../contract/run-report.ts';
import { runConsumer, summaryLine } from './run-consumer.ts';

export const consumeCommand: Command = {
  name: 'consume',
  usage: `usage: recall consume --pipeline NAME [options]
  --pipeline NAME            whose consumer group (required)
  --topic T                  default ${DEFAULT_TOPIC}
  --table T                  default ${DEFAULT_TABLE}, migrated first
  --dead-letter-topic T      default <topic>.dead-letter
  --until-caught-up          stop once every partition is stored up to its end (else: until SIGTERM)
  --from-beginning           reset the group to the topic's beginning first (reload a restored table)
  --report-file FILE         write the run's counts as JSON (default: RECALL_REPORT_FILE)
${connectionUsage()}`,

  async run(argv, env) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        pipeline: { type: 'string' },
        topic: { type: 'string' },
        table: { type: 'string' },
        'dead-letter-topic': { type: 'string' },
        'until-caught-up': { type: 'boolean', default: false },
        'from-beginning': { type: 'boolean', default: false },
        'report-file': { type: 'string' },
        ...connectionFlagOptions,
      },
      strict: true,
    });
    const { 'until-caught-up': untilCaughtUp, 'dead-letter-topic': deadLetterTopic } = values;
    if (values.pipeline === undefined)
      throw new Error('--pipeline is required: the RecallPipeline this consumer serves');
    const pipeline = values.pipeline;
    const flags = connectionFlags(values);
    const { result: summary, stoppedBy } = await untilStopped((signal) =>
      runConsumer({
        pipeline,
        ...(values.topic !== undefined && { topic: values.topic }),
        ...(values.table !== undefined && { table: values.table }),
        ...(deadLetterTopic !== undefined && { deadLetterTopic }),
        untilCaughtUp,
        fromBeginning: values['from-beginning'],
        postgres: postgresSettings(env, flags),
        kafka: kafkaSettings(env, flags),
        signal,
      }),
    );
    process.stdout.write(`${summaryLine(summary)}\n`);
    const { inserted, updated, deadLettered, tableRows } = summary;
    writeRunReport({ step: 'consume', inserted, updated, deadLettered, tableRows }, values['report-file'], env);
    // Without --until-caught-up a signal is the expected end; with it, the run stopped short.
    if (stoppedBy !== undefined && untilCaughtUp && !summary.caughtUp) {
      process.stderr.write(
        `recall consume: stopped by ${stoppedBy} before catching up; what was stored is committed, the rest waits in the topic\n`,
      );
      return signalExitCode(stoppedBy);
    }
    return 0;
  },
};
