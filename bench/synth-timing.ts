/**
 * Times buildPipelineObjects on both samples. Imported by the synth suite, and run as a script by
 * it under the operator's Node flags (bytecode only), which is how the operator pays for synthesis.
 */
import { buildPipelineObjects } from '../charts/pipeline-chart.ts';
import { fullSample } from '../charts/samples/full.ts';
import { minimalSample } from '../charts/samples/minimal.ts';

export const RUNS = 200;
export const WARM_UP = 20;

export interface SynthTiming {
  sample: string;
  objects: number;
  medianMs: number;
  p99Ms: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function measure(sample: string, spec: unknown): SynthTiming {
  let objects = 0;
  for (let run = 0; run < WARM_UP; run += 1) objects = buildPipelineObjects(spec).length;
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const start = performance.now();
    buildPipelineObjects(spec);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { sample, objects, medianMs: percentile(times, 0.5), p99Ms: percentile(times, 0.99) };
}

export function timeSamples(): SynthTiming[] {
  return [measure('full', fullSample), measure('minimal', minimalSample)];
}

if (import.meta.main) process.stdout.write(JSON.stringify(timeSamples()));
