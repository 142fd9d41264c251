#!/usr/bin/env -S node --disable-warning=TimeoutNegativeWarning
/**
 * `recall`: the one command of the project; `recall help` lists the subcommands.
 * Connection settings come from the standard environment variables and flags (see
 * src/config/connection-settings.ts).
 *
 * Each subcommand is loaded only when it runs: a producer pod should not pay for the Kubernetes
 * client, nor the operator for the Explore client.
 */
import type { Command } from './command.ts';

/** Subcommands by name, in the order `recall help` lists them. */
const commands: Readonly<Record<string, () => Promise<Command>>> = {
  check: async () => (await import('./check-command.ts')).checkCommand,
  migrate: async () => (await import('../postgres/migrate-command.ts')).migrateCommand,
  api: async () => (await import('../api-server/api-command.ts')).apiCommand,
  produce: async () => (await import('../producer/produce-command.ts')).produceCommand,
  consume: async () => (await import('../consumer/consume-command.ts')).consumeCommand,
  pipeline: async () => (await import('../pipeline/pipeline-command.ts')).pipelineCommand,
  operator: async () => (await import('../../operator/operator-command.ts')).operatorCommand,
};

async function usage(): Promise<string> {
  const loaded = await Promise.all(Object.values(commands).map((load) => load()));
  const width = Math.max(...loaded.map((command) => command.name.length));
  const lines = loaded.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `usage: recall <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nrecall <command> --help describes its options.\n`;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(await usage());
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`recall: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  const command = await load();
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
