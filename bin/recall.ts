#!/usr/bin/env -S node --disable-warning=TimeoutNegativeWarning
/**
 * `recall`: the one command of the project; `recall help` lists the subcommands.
 * Connection settings come from the standard environment variables and flags (see
 * src/config/connection-settings.ts).
 *
 * Each subcommand is loaded only when it runs: a producer pod should not pay for the Kubernetes
 * client, nor the operator for the Explore client.
 */
import type { Command } from '../src/cli/command.ts';

interface CommandEntry {
  /** One line for `recall help`, kept here so that listing the commands loads none of them. */
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** Subcommands by name, in the order `recall help` lists them. */
const commands: Readonly<Record<string, CommandEntry>> = {
  check: {
    summary: 'connect to PostgreSQL, Kafka and Kubernetes with the current settings and report',
    load: async () => (await import('../src/cli/check-command.ts')).checkCommand,
  },
  migrate: {
    summary: 'apply pending database migrations for a recall table (--table, default the original name)',
    load: async () => (await import('../src/postgres/migrate-command.ts')).migrateCommand,
  },
  api: {
    summary: 'serve a JSONL file of recall records as a local RappelConso (Explore v2.1) API',
    load: async () => (await import('../src/local-explore-api/api-command.ts')).apiCommand,
  },
  produce: {
    summary: 'read new recalls from the RappelConso API and send them to Kafka, checkpointed in PostgreSQL',
    load: async () => (await import('../src/producer/produce-command.ts')).produceCommand,
  },
  consume: {
    summary: 'read the recall topic and upsert into the recall table (--pipeline NAME [--until-caught-up])',
    load: async () => (await import('../src/consumer/consume-command.ts')).consumeCommand,
  },
  pipeline: {
    summary: 'run the whole pipeline once: API → producer → Kafka → consumer → PostgreSQL (--data FILE for local data)',
    load: async () => (await import('../src/pipeline/pipeline-command.ts')).pipelineCommand,
  },
  operator: {
    summary: 'reconcile RecallPipelines into their Kafka topics, PostgreSQL, Airflow and Jobs (until SIGTERM)',
    load: async () => (await import('../operator/operator-command.ts')).operatorCommand,
  },
};

function usage(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((name) => name.length));
  const lines = names.map((name) => `  ${name.padEnd(width)}  ${commands[name]!.summary}`);
  return `usage: recall <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nrecall <command> --help describes its options.\n`;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    process.stderr.write(`recall: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage);
    return 0;
  }
  return command.run(rest, env);
}

// The process ends as soon as the command does, its error (if any) as the last line: a client
// library's lingering timer or socket must never keep a Job's pod running after its work is over.
// Writes to stdout and stderr are synchronous for files and pipes on Linux, so nothing is cut short.
if (import.meta.main) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`recall: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
