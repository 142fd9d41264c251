#!/usr/bin/env -S node --disable-warning=TimeoutNegativeWarning
/**
 * `recall`: the one command of the project. Each subcommand is a Command; `recall help` lists them.
 * Connection settings come from the standard environment variables and flags (see
 * src/config/connection-settings.ts).
 */
import { apiCommand } from '../api-server/api-command.ts';
import { produceCommand } from '../producer/produce-command.ts';
import { checkCommand } from './check-command.ts';
import type { Command } from './command.ts';
import { consumeCommand } from '../consumer/consume-command.ts';
import { migrateCommand } from '../postgres/migrate-command.ts';

const commands: readonly Command[] = [checkCommand, migrateCommand, consumeCommand, apiCommand, produceCommand];

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `usage: recall <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`recall: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(rest, env);
}

if (import.meta.main) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`recall: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
