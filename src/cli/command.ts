/** A `recall` subcommand: later work adds api, produce, consume, migrate and operator beside `check`. */
export interface Command {
  readonly name: string;
  /** One line for `recall help`. */
  readonly summary: string;
  /** Runs with the arguments after the subcommand's name; resolves to the process exit code. */
  run(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number>;
}
