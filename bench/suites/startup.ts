/**
 * A scheduled run as a Job pays it, start-up included: `recall produce` then `recall consume
 * --until-caught-up` as two processes, first for the 8,810 real records, then for a run with
 * nothing new. Side by side in one run: this checkout as the Jobs run it (the bundle, their Node flags)
 * against the baseline commit, checked out into a git worktree and run as its image ran the Jobs
 * (the TypeScript source). Each process's time splits into start-up (process start to its first
 * network connection), work (to its summary line) and shutdown (to its exit).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { JOB_NODE_FLAGS } from '../../charts/pipeline-pod.ts';
import { startRecallApi } from '../../src/local-explore-api/recall-api.ts';
import { IMAGE_ENV, IMAGE_RECALL_ENTRYPOINT } from '../../contract/pipeline-defaults.ts';
import { cacheDir } from '../../test/infra/context.ts';
import {
  deleteRecallTopics,
  dropRecallTable,
  kafkaClient,
  sinkConnections,
  uniqueName,
} from '../../test/integration/recall-topic-fixture.ts';
import { RAPPELCONSO0_RECORDS } from '../../test/real-data.ts';
import { runRecallInChild, type ChildOptions } from '../recall-child.ts';
import { seconds, table, type BenchSuite } from '../suite.ts';

/** main before the data plane's start-up work (issue: "faster start"). */
const BASELINE_COMMIT = 'b392bda';
const ROUNDS = 5;

interface Variant extends ChildOptions {
  readonly name: string;
}

interface Phases {
  readonly wallMs: number;
  readonly startupMs: number;
  readonly workMs: number;
  readonly shutdownMs: number;
}

async function timed(variant: Variant, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Phases> {
  const run = await runRecallInChild(args, env, variant);
  const [first, summary] = [run.firstConnectMs, run.firstOutputMs];
  if (first === undefined || summary === undefined)
    throw new Error(`${variant.name}: recall ${args[0]} made no connection or printed nothing`);
  return {
    wallMs: run.wallMs,
    // The parent's view includes what the child's clock cannot see: exec and Node's own bootstrap.
    startupMs: run.unseenMs + first,
    workMs: summary - first,
    shutdownMs: run.wallMs - run.unseenMs - summary,
  };
}

function baselineWorktree(): string {
  const dir = path.join(cacheDir(), 'bench', `baseline-${BASELINE_COMMIT}`);
  if (!fs.existsSync(path.join(dir, 'src'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    execFileSync('git', ['worktree', 'prune']);
    execFileSync('git', ['worktree', 'add', '--detach', dir, BASELINE_COMMIT], { stdio: 'ignore' });
  }
  // Same dependencies (package-lock.json is unchanged since): the checkout's node_modules serve both.
  const modules = path.join(dir, 'node_modules');
  if (!fs.existsSync(modules)) fs.symlinkSync(path.resolve('node_modules'), modules);
  return dir;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const startupSuite: BenchSuite = {
  name: 'startup',
  description: `produce + consume as two processes, start to exit (full load, nothing new): this checkout vs ${BASELINE_COMMIT}`,

  async run(print) {
    execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
    const variants: Variant[] = [
      {
        name: `baseline ${BASELINE_COMMIT} (TypeScript)`,
        cwd: baselineWorktree(),
        nodeArgs: [],
        // The entry point moved to bin/ after it (decision 0008).
        entry: 'src/cli/recall.ts',
      },
      {
        name: 'this checkout, as the Jobs run it',
        cwd: process.cwd(),
        nodeArgs: JOB_NODE_FLAGS,
        env: IMAGE_ENV,
        entry: IMAGE_RECALL_ENTRYPOINT,
      },
    ];
    const connections = await sinkConnections();
    const api = await startRecallApi({ dataFile: RAPPELCONSO0_RECORDS, host: '127.0.0.1' });
    const db = new pg.Client(connections.postgres);
    await db.connect();
    const made: { pipeline: string; table: string }[] = [];
    const samples = new Map<string, Phases[]>();
    const record = (key: string, phases: Phases) => samples.set(key, [...(samples.get(key) ?? []), phases]);
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const variant of round % 2 === 0 ? variants : variants.toReversed()) {
          const pipeline = uniqueName('bench-startup', '-');
          const tableName = uniqueName('bench_startup');
          made.push({ pipeline, table: tableName });
          const produce = ['produce', '--pipeline', pipeline, '--api-url', api.url, '--topic', pipeline];
          const consume = [
            'consume',
            '--pipeline',
            pipeline,
            '--topic',
            pipeline,
            '--table',
            tableName,
            '--until-caught-up',
          ];
          for (const run of ['full load', 'nothing new']) {
            record(`${variant.name}|${run}|produce`, await timed(variant, produce, connections.env));
            record(`${variant.name}|${run}|consume`, await timed(variant, consume, connections.env));
          }
        }
      }
    } finally {
      await api.close();
      const admin = kafkaClient(connections.kafka).admin();
      await admin.connect();
      for (const { pipeline, table: tableName } of made) {
        await dropRecallTable(db, tableName);
        await db.query('DELETE FROM producer_checkpoints WHERE pipeline = $1', [pipeline]);
        await deleteRecallTopics(admin, pipeline);
      }
      await admin.disconnect();
      await db.end();
    }

    const rows: string[][] = [];
    const totals = new Map<string, number>();
    for (const run of ['full load', 'nothing new']) {
      for (const variant of variants) {
        let total = 0;
        for (const step of ['produce', 'consume']) {
          const runs = samples.get(`${variant.name}|${run}|${step}`)!;
          const phase = (pick: (phases: Phases) => number) => median(runs.map(pick));
          total += phase((phases) => phases.wallMs);
          rows.push([
            run,
            variant.name,
            step,
            seconds(phase((phases) => phases.startupMs)),
            seconds(phase((phases) => phases.workMs)),
            seconds(phase((phases) => phases.shutdownMs)),
            seconds(phase((phases) => phases.wallMs)),
          ]);
        }
        totals.set(`${variant.name}|${run}`, total);
      }
    }
    print(`medians of ${ROUNDS} rounds, the two variants alternating; start-up = process start to first connection`);
    print('');
    for (const line of table(['run', 'variant', 'command', 'start-up', 'work', 'shutdown', 'start to exit'], rows))
      print(line);
    print('');
    for (const run of ['full load', 'nothing new']) {
      const [baseline, current] = variants.map((variant) => totals.get(`${variant.name}|${run}`)!);
      print(
        `${run}: produce + consume ${seconds(current!)} against ${seconds(baseline!)}, ` +
          `${(current! / baseline!).toFixed(2)} of the baseline (target: under ${run === 'full load' ? '0.50' : '0.33'})`,
      );
    }
  },
};
