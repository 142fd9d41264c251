#!/usr/bin/env node
/**
 * `kubectl recall`, the kubectl plugin of RecallPipelines (kubectl runs `kubectl-recall` from the
 * PATH), shaped like CloudNativePG's `kubectl cnpg`: status, run, logs, psql and airflow of one
 * pipeline. `kubectl recall help` lists them. The image carries it too, bundled as
 * dist/kubectl-recall.js, for clusters reached only from a pod.
 *
 * Each subcommand is loaded only when it runs, so `help` does not load the Kubernetes client.
 */
import { asksForHelp, GLOBAL_USAGE, splitCommand } from './command-line.ts';
import { PluginError, UsageError, type PluginCommand, type PluginIo } from './plugin-command.ts';

interface CommandEntry {
  /** One line for `kubectl recall help`, kept here so that listing the commands loads none of them. */
  readonly summary: string;
  readonly load: () => Promise<PluginCommand>;
}

/** Subcommands by name, in the order `kubectl recall help` lists them. */
const commands: Readonly<Record<string, CommandEntry>> = {
  status: {
    summary: 'phase, conditions, last run and its counts, checkpoint, rows loaded, where Airflow’s UI is',
    load: async () => (await import('./status-command.ts')).statusCommand,
  },
  run: {
    summary: 'start a run now (the run-now annotation); --wait for it to end and print its counts',
    load: async () => (await import('./run-command.ts')).runCommand,
  },
  logs: {
    summary: 'logs of the last run’s pods (producer, consumer); --follow until the run ends',
    load: async () => (await import('./logs-command.ts')).logsCommand,
  },
  psql: {
    summary: 'a psql session in the pipeline’s managed PostgreSQL (-- passes arguments to psql)',
    load: async () => (await import('./psql-command.ts')).psqlCommand,
  },
  airflow: {
    summary: 'forward a local port to Airflow’s UI and print its URL and login, until Ctrl-C',
    load: async () => (await import('./airflow-command.ts')).airflowCommand,
  },
};

export function usage(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((name) => name.length));
  const lines = names.map((name) => `  ${name.padEnd(width)}  ${commands[name]!.summary}`);
  return (
    'usage: kubectl recall <command> NAME [options]\n\n' +
    `Operate a RecallPipeline.\n\ncommands:\n${lines.join('\n')}\n\n${GLOBAL_USAGE}\n` +
    'kubectl recall <command> --help describes its options.\n'
  );
}

export async function main(argv: readonly string[], io: PluginIo): Promise<number> {
  const { command: name, rest } = splitCommand(argv);
  if (name === undefined || name === 'help') {
    const about = name === 'help' ? rest.find((arg) => !arg.startsWith('-')) : undefined;
    const entry = about !== undefined && Object.hasOwn(commands, about) ? commands[about] : undefined;
    io.stdout.write(entry ? (await entry.load()).usage : usage());
    return name === undefined && !asksForHelp(argv) ? 2 : 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    io.stderr.write(`error: unknown command "${name}" for "kubectl recall"\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (asksForHelp(rest)) {
    io.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    throw error;
  }
}

/** One line, as kubectl's own errors: what is missing, naming the pipeline and namespace. */
function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof PluginError ? message : message.split('\n')[0]!;
}

// Exits as soon as the command ends: psql's stdin, or a client's keep-alive socket, would otherwise
// keep the process up after the work is done. Writes to stdout and stderr are synchronous for files
// and pipes on Linux, so nothing is cut short.
if (import.meta.main) {
  // Bundled into dist/, the Kubernetes client's dependencies no longer sit in node_modules, where
  // Node keeps quiet about their use of deprecated APIs (punycode, url.parse): nothing a user can act on.
  process.noDeprecation = true;
  const io: PluginIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  main(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${errorLine(error)}\n`);
      process.exit(1);
    },
  );
}
