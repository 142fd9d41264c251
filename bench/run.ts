#!/usr/bin/env node
/**
 * `npm run bench [suite...]`: runs the benchmark suites and prints their figures. Each suite
 * measures in one run, on this machine, the things it compares, so ratios are meaningful.
 */
import { environmentSuite } from './suites/environment.ts';
import { synthSuite } from './suites/synth.ts';
import { sourceSuite } from './suites/source.ts';
import { sinkSuite } from './suites/sink.ts';
import { pipelineSuite } from './suites/pipeline.ts';
import { operatorSuite } from './suites/operator.ts';
import { memorySuite } from './suites/memory.ts';
import { startupSuite } from './suites/startup.ts';
import { clusterSuite } from './suites/cluster.ts';
import type { BenchSuite } from './suite.ts';

const suites: readonly BenchSuite[] = [
  environmentSuite,
  pipelineSuite,
  sourceSuite,
  sinkSuite,
  synthSuite,
  operatorSuite,
  memorySuite,
  startupSuite,
  clusterSuite,
];

async function main(names: readonly string[]): Promise<void> {
  const unknown = names.filter((name) => !suites.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown suite ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  }
  for (const suite of suites.filter((s) => names.length === 0 || names.includes(s.name))) {
    process.stdout.write(`\n## ${suite.name}: ${suite.description}\n\n`);
    await suite.run((line) => process.stdout.write(`${line}\n`));
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
