/**
 * The command line of `kubectl recall`: kubectl's own flags for where the cluster is (-n, --context,
 * --kubeconfig), accepted before or after the subcommand as kubectl accepts them, one RecallPipeline
 * name, the subcommand's flags, and for psql whatever follows `--`.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './plugin-command.ts';

/** Where the cluster and the pipeline are: kubectl's flags, read by cluster-access.ts. */
export interface ClusterTarget {
  readonly namespace?: string;
  readonly context?: string;
  readonly kubeconfig?: string;
}

export const GLOBAL_OPTIONS = {
  namespace: { type: 'string', short: 'n' },
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

export const GLOBAL_USAGE =
  'global options (as kubectl’s):\n' +
  '  -n, --namespace NS   the pipeline’s namespace (default: the current context’s, else "default")\n' +
  '  --context NAME       the kubeconfig context to use (default: the current one)\n' +
  '  --kubeconfig FILE    the kubeconfig file (default: KUBECONFIG, else ~/.kube/config, else the pod’s service account)\n';

/** Flags that take the next argument as their value, so that it is not mistaken for the subcommand. */
const VALUE_FLAGS = new Set(['-n', '--namespace', '--context', '--kubeconfig']);

/** The subcommand's name and the arguments around it, global flags before it included. */
export function splitCommand(argv: readonly string[]): { command: string | undefined; rest: string[] } {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') break;
    if (VALUE_FLAGS.has(arg)) {
      index++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return { command: arg, rest: [...argv.slice(0, index), ...argv.slice(index + 1)] };
  }
  return { command: undefined, rest: [...argv] };
}

/** Whether the user asked for help before any `--` (after it, the arguments are psql's). */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export interface CommandLine<V> {
  readonly target: ClusterTarget;
  /** The RecallPipeline's name. */
  readonly name: string;
  readonly values: V;
  /** What followed `--`, for the subcommands that pass it on. */
  readonly passThrough: string[];
}

type Values<O extends ParseArgsOptionsConfig> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

/** Parses one subcommand's arguments: exactly one pipeline name, its `options`, the global flags. */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(
  command: string,
  argv: readonly string[],
  options: O,
  { passThrough = false } = {},
): CommandLine<Values<O>> {
  const end = argv.indexOf('--');
  const own = end === -1 ? argv : argv.slice(0, end);
  const after = end === -1 ? [] : argv.slice(end + 1);
  if (after.length > 0 && !passThrough) throw new UsageError(`${command} takes no arguments after --`);
  let parsed;
  try {
    parsed = parseArgs({ args: [...own], options: { ...options, ...GLOBAL_OPTIONS }, allowPositionals: true });
  } catch (error) {
    // parseArgs's messages end with advice for `node` itself ("To specify a positional argument...").
    throw new UsageError(`${command}: ${(error as Error).message.split('. ')[0]!.replace(/\.$/, '')}`);
  }
  const { namespace, context, kubeconfig, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) throw new UsageError(`${command}: the RecallPipeline's NAME is missing`);
  if (extra.length > 0) throw new UsageError(`${command}: one NAME only, got also ${extra.join(' ')}`);
  const text = (value: string | boolean | undefined) => (typeof value === 'string' ? value : undefined);
  return {
    target: withoutUndefined({ namespace: text(namespace), context: text(context), kubeconfig: text(kubeconfig) }),
    name,
    values: values as Values<O>,
    passThrough: after,
  };
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
