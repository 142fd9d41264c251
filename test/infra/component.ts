/**
 * The contract every local component (PostgreSQL, Kafka, the Kubernetes control plane, Strimzi's
 * CRDs) implements, so that `npm run env:up`, `env:down`, `env:status` and vitest's globalSetup
 * treat them alike.
 */
import path from 'node:path';

/** Connection details a component hands to clients, as environment variables (PGHOST, KAFKA_BROKERS, ...). */
export type ConnectionEnv = Record<string, string>;

export interface EnvContext {
  /** Repository root. */
  readonly root: string;
  /** Cache root (git-ignored): `<root>/.cache` unless RECALL_ENV_CACHE says otherwise. */
  readonly cacheDir: string;
  /** Connection variables of the components started before this one (Strimzi needs KUBECONFIG). */
  readonly env: ConnectionEnv;
  /** Progress output; goes to stderr so that stdout stays eval-able. */
  readonly log: (message: string) => void;
}

export interface ComponentStatus {
  readonly running: boolean;
  /** One line for humans: pid, address, or why it is down. */
  readonly detail: string;
}

export interface Component {
  /** Short name used in logs, directories and error messages: `postgres`, `kafka`, `kubernetes`, `strimzi`. */
  readonly name: string;
  /**
   * Downloads or builds what the component needs into its artifacts directory. Idempotent and
   * cached: a second call with the same versions does nothing.
   */
  provision(ctx: EnvContext): Promise<void>;
  /** Starts the component unless it already runs healthy; returns its connection variables. */
  start(ctx: EnvContext): Promise<ConnectionEnv>;
  /** Stops every process the component started and removes its throwaway state. Harmless when stopped. */
  stop(ctx: EnvContext): Promise<void>;
  status(ctx: EnvContext): Promise<ComponentStatus>;
  /**
   * For outage tests: stops the running server as its administrator would, keeping its data and
   * address, so that `resume` starts it again as it was. Components with no data to keep omit both.
   */
  halt?(ctx: EnvContext): Promise<void>;
  resume?(ctx: EnvContext): Promise<void>;
}

/** Where a component keeps provisioned artifacts; the directory name carries the version so bumps re-provision. */
export function artifactsDir(ctx: EnvContext, component: string, version: string): string {
  return path.join(ctx.cacheDir, 'artifacts', `${component}-${version}`);
}

/** Where a component keeps runtime state (data, logs, pid files) while it runs. */
export function runDir(ctx: EnvContext, component: string): string {
  return path.join(ctx.cacheDir, 'run', component);
}
