/**
 * Synthesis time of one pipeline, as the operator pays it in every reconcile: validation,
 * defaulting and the cdk8s chart of the full sample (every component and tool), in memory.
 * Measured twice in one run: in this process (V8's optimizing compilers on) and in a child with
 * the operator's own Node flags (bytecode only), the figure the 20 ms target is about.
 */
import { execFileSync } from 'node:child_process';
import { OPERATOR_NODE_FLAGS } from '../../charts/operator-install.ts';
import { RUNS, timeSamples, WARM_UP, type SynthTiming } from '../synth-timing.ts';
import { table, type BenchSuite } from '../suite.ts';

/** The full sample's median under the operator's flags must stay below this (the API issue's target). */
const TARGET_MEDIAN_MS = 20;

function underOperatorFlags(): SynthTiming[] {
  const output = execFileSync(process.execPath, [...OPERATOR_NODE_FLAGS, 'bench/synth-timing.ts'], {
    encoding: 'utf8',
  });
  return JSON.parse(output) as SynthTiming[];
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;

export const synthSuite: BenchSuite = {
  name: 'synth',
  description: `synthesis time per pipeline (buildPipelineObjects), ${RUNS} runs after ${WARM_UP} warm-up runs`,

  run(print) {
    const optimized = timeSamples();
    const operator = underOperatorFlags();
    const rows = optimized.map((fast, index) => {
      const slow = operator[index]!;
      return [fast.sample, String(fast.objects), ms(fast.medianMs), ms(fast.p99Ms), ms(slow.medianMs), ms(slow.p99Ms)];
    });
    const header = [
      'sample',
      'objects',
      'median (JIT)',
      'p99 (JIT)',
      'median (operator flags)',
      'p99 (operator flags)',
    ];
    for (const line of table(header, rows)) print(line);
    const full = operator.find((timing) => timing.sample === 'full')!;
    const verdict = full.medianMs < TARGET_MEDIAN_MS ? 'met' : 'MISSED';
    print(
      `target: full sample median under the operator's flags < ${TARGET_MEDIAN_MS} ms: ${ms(full.medianMs)}, ${verdict}`,
    );
    return Promise.resolve();
  },
};
