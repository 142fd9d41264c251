/**
 * `recall consume --pipeline NAME [--topic T] [--table T] [--dead-letter-topic T] [--until-caught-up]`:
 * runs the sink.
 * With --until-caught-up it exits 0 once the pipeline's group has committed every partition up to
 * its end (what a Kubernetes Job or an Airflow task needs); otherwise it runs until SIGTERM or
 * SIGINT, then finishes the batch in flight, commits and disconnects. Prints a summary line.
 */
import { parseArgs } from 'node:util';
import type { Command } from '../cli/command.ts';
import { kafkaSettings, postgresSettings } from '../config/connection-settings.ts';
import { runConsumer, summaryLine } from './run-consumer.ts';

export const consumeCommand: Command = {
  name: 'consume',
  summary: 'read the recall topic and upsert into the recall table (--pipeline NAME [--until-caught-up])',

  async run(argv, env) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        pipeline: { type: 'string' },
        topic: { type: 'string' },
        table: { type: 'string' },
        'dead-letter-topic': { type: 'string' },
        'until-caught-up': { type: 'boolean', default: false },
        host: { type: 'string' },
        port: { type: 'string' },
        user: { type: 'string' },
        database: { type: 'string' },
        brokers: { type: 'string' },
      },
      strict: true,
    });
    const { 'until-caught-up': untilCaughtUp, 'dead-letter-topic': deadLetterTopic, ...connectionFlags } = values;
    if (values.pipeline === undefined)
      throw new Error('--pipeline is required: the RecallPipeline this consumer serves');

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    try {
      const summary = await runConsumer({
        pipeline: values.pipeline,
        ...(values.topic !== undefined && { topic: values.topic }),
        ...(values.table !== undefined && { table: values.table }),
        ...(deadLetterTopic !== undefined && { deadLetterTopic }),
        untilCaughtUp,
        postgres: postgresSettings(env, connectionFlags),
        kafka: kafkaSettings(env, connectionFlags),
        signal: stop.signal,
      });
      process.stdout.write(`${summaryLine(summary)}\n`);
      return 0;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  },
};
