/** A `kubectl recall` subcommand, loaded by plugin/kubectl-recall.ts when it runs. */

/** The process's streams, handed in so that tests can give their own. */
export interface PluginIo {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

export interface PluginCommand {
  readonly name: string;
  /** What `kubectl recall <name> --help` prints: the synopsis, then one line per option. */
  readonly usage: string;
  /** Runs with the arguments after the subcommand's name; resolves to the process exit code. */
  run(argv: readonly string[], io: PluginIo): Promise<number>;
}

/**
 * Something the user can act on (a pipeline that does not exist, Airflow not enabled...): printed
 * as one line, exit code 1, no stack.
 */
export class PluginError extends Error {
  override name = 'PluginError';
}

/** The command line itself is wrong: printed with the subcommand's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
