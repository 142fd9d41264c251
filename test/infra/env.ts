#!/usr/bin/env node
/**
 * The local environment: real PostgreSQL, Kafka, Kubernetes control plane and Strimzi CRDs as
 * processes on 127.0.0.1.
 *
 *   node test/infra/env.ts up [component...]     provision (first time) and start; prints export lines
 *   node test/infra/env.ts down [component...]   stop and forget; leaves no process behind
 *   node test/infra/env.ts status                one line per component; exit 3 when any is down
 *
 * Progress goes to stderr, so `eval "$(npm run -s env:up)"` sets the connection variables.
 */
import { componentEntries, componentEntry, selectComponents } from './components.ts';
import { envContext } from './context.ts';
import { connectionEnvFile, exportLines, mergedConnections, readConnections, writeConnections } from './connection.ts';

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

export async function up(names: readonly string[] = []): Promise<void> {
  const selected = selectComponents(names);
  const log = envContext().log;
  const components = await Promise.all(selected.map(async (entry) => ({ entry, component: await entry.load() })));

  // Provisioning is mostly downloads and compiles of independent things: do it side by side.
  const provisioned = await Promise.allSettled(
    components.map(async ({ entry, component }) => {
      const begin = performance.now();
      await component.provision(envContext());
      log(`${entry.name}: provisioned in ${seconds(begin)}`);
    }),
  );
  const failures = provisioned.flatMap((result, index) =>
    result.status === 'rejected' ? [`${selected[index]?.name}: ${String(result.reason)}`] : [],
  );
  if (failures.length > 0) throw new Error(`provisioning failed:\n${failures.join('\n')}`);

  const record = readConnections();
  for (const { entry, component } of components) {
    const begin = performance.now();
    const env = await component.start(envContext(mergedConnections(record)));
    record[entry.name] = env;
    writeConnections(record);
    log(`${entry.name}: running (started in ${seconds(begin)})`);
  }
  log(`connection details: ${connectionEnvFile()}`);
}

/**
 * Stops exactly the named components (all when none is named), dependents first. Unlike `up`, it
 * does not add what they need: stopping Strimzi's CRDs must not stop a control plane someone else
 * started.
 */
export async function down(names: readonly string[] = []): Promise<void> {
  const named = new Set(names.map((name) => componentEntry(name).name));
  const selected = componentEntries.filter((entry) => names.length === 0 || named.has(entry.name));
  let record = readConnections();
  for (const entry of selected.reverse()) {
    const component = await entry.load();
    await component.stop(envContext(mergedConnections(record)));
    record = Object.fromEntries(Object.entries(record).filter(([name]) => name !== entry.name));
    writeConnections(record);
    envContext().log(`${entry.name}: stopped`);
  }
}

export async function status(): Promise<boolean> {
  const record = readConnections();
  let allRunning = true;
  for (const entry of componentEntries) {
    const component = await entry.load();
    const result = await component.status(envContext(mergedConnections(record)));
    allRunning &&= result.running;
    process.stdout.write(`${entry.name.padEnd(11)} ${result.running ? 'running' : 'down   '} ${result.detail}\n`);
  }
  return allRunning;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...names] = argv;
  switch (command) {
    case 'up':
      await up(names);
      process.stdout.write(exportLines(readConnections()));
      return 0;
    case 'down':
      await down(names);
      return 0;
    case 'status':
      return (await status()) ? 0 : 3;
    default:
      process.stderr.write('usage: env.ts up|down [component...] | status\n');
      return 2;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
