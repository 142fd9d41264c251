/** A `recall` subcommand, loaded by bin/recall.ts when it runs. */
export interface Command {
  readonly name: string;
  /** What `recall <name> --help` prints: the synopsis, then one line per option. */
  readonly usage: string;
  /** Runs with the arguments after the subcommand's name; resolves to the process exit code. */
  run(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number>;
}
