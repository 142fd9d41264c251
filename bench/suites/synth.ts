/**
 * Synthesis time of one pipeline, as the operator pays it in every reconcile: validation,
 * defaulting and the cdk8s chart of the full sample (every component and tool), in memory.
 */
import { buildPipelineObjects } from '../../charts/pipeline-chart.ts';
import { fullSample } from '../../charts/samples/full.ts';
import { minimalSample } from '../../charts/samples/minimal.ts';
import { table, type BenchSuite } from '../suite.ts';

const RUNS = 200;
const WARM_UP = 20;

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function measure(sample: unknown): { median: number; p99: number; objects: number } {
  let objects = 0;
  for (let run = 0; run < WARM_UP; run += 1) objects = buildPipelineObjects(sample).length;
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const start = performance.now();
    buildPipelineObjects(sample);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 0.5), p99: percentile(times, 0.99), objects };
}

export const synthSuite: BenchSuite = {
  name: 'synth',
  description: `synthesis time per pipeline (buildPipelineObjects), ${RUNS} runs after ${WARM_UP} warm-up runs`,

  run(print) {
    const rows = Object.entries({ full: fullSample, minimal: minimalSample }).map(([name, sample]) => {
      const { median, p99, objects } = measure(sample);
      return [name, String(objects), `${median.toFixed(2)} ms`, `${p99.toFixed(2)} ms`];
    });
    for (const line of table(['sample', 'objects', 'median', 'p99'], rows)) print(line);
    return Promise.resolve();
  },
};
