/**
 * `recall pipeline [--pipeline NAME] [--data FILE | --api-url URL] [--dataset ID] [--topic T] [--table T]`:
 * the main job. Runs the producer and the consumer side by side until the consumer has caught up
 * with all the producer sent, against PostgreSQL and Kafka from the standard variables; `--data`
 * serves a JSONL file of real records through a local RappelConso API instead of reading the live
 * one. Prints both summary lines and the run's time.
 */
import { parseArgs } from 'node:util';
import type { Command } from '../cli/command.ts';
import { connectionUsage, connectionFlagOptions, connectionFlags } from '../cli/connection-flags.ts';
import { signalExitCode, untilStopped } from '../cli/until-stopped.ts';
import { kafkaSettings, postgresSettings } from '../config/connection-settings.ts';
import { summaryLine as consumerSummaryLine } from '../consumer/run-consumer.ts';
import { summaryLine as producerSummaryLine } from '../producer/produce-command.ts';
import { DEFAULT_API_URL, DEFAULT_TABLE, DEFAULT_TOPIC, parseDataset } from '../../contract/pipeline-defaults.ts';
import { runPipeline } from './run-pipeline.ts';

export const pipelineCommand: Command = {
  name: 'pipeline',
  usage: `usage: recall pipeline [--pipeline NAME] [--data FILE | --api-url URL] [--dataset ID] [--topic T] [--table T]
  --pipeline NAME    whose checkpoint and consumer group (default local)
  --data FILE        serve this JSON Lines file through a local API instead of reading --api-url
  --api-url URL      up to and excluding /api/explore/v2.1 (default ${DEFAULT_API_URL})
  --dataset ID       rappelconso0 (default) or rappelconso-v2-gtin-espaces
  --topic T          default ${DEFAULT_TOPIC}
  --table T          default ${DEFAULT_TABLE}
${connectionUsage()}`,

  async run(argv, env) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        pipeline: { type: 'string', default: 'local' },
        data: { type: 'string' },
        'api-url': { type: 'string' },
        dataset: { type: 'string' },
        topic: { type: 'string' },
        table: { type: 'string' },
        ...connectionFlagOptions,
      },
      strict: true,
    });
    if (values.data !== undefined && values['api-url'] !== undefined) {
      throw new Error(`--data="${values.data}" and --api-url="${values['api-url']}": give one source, not both`);
    }
    const flags = connectionFlags(values);
    const { result: summary, stoppedBy } = await untilStopped((signal) =>
      runPipeline({
        pipeline: values.pipeline,
        dataset: parseDataset(values.dataset),
        dataFile: values.data,
        apiUrl: values['api-url'],
        topic: values.topic,
        table: values.table,
        postgres: postgresSettings(env, flags),
        kafka: kafkaSettings(env, flags),
        signal,
      }),
    );
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    process.stdout.write(`producer: ${producerSummaryLine(summary.producer)}\n`);
    process.stdout.write(`consumer: ${consumerSummaryLine(summary.consumer)}\n`);
    process.stdout.write(
      `pipeline: ${seconds(summary.durationMs)} (producer finished after ${seconds(summary.producerMs)})\n`,
    );
    if (stoppedBy !== undefined && !(summary.producer.complete && summary.consumer.caughtUp)) {
      process.stderr.write(
        `recall pipeline: stopped by ${stoppedBy} before the run was complete; what was stored is committed, the next run goes on from there\n`,
      );
      return signalExitCode(stoppedBy);
    }
    return 0;
  },
};
