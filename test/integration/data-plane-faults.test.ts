/**
 * The data plane's commands as a Job runs them (child processes of `recall`), against a private
 * PostgreSQL and Kafka that these tests stop, start and break: every command exits, soon, with one
 * clear last line, and a rerun then reaches the exact table (the original's 8,803 rows, the 8,810
 * sheets), with nothing lost or duplicated.
 *
 * "Mid-load" is made exact rather than hoped for: once the consumer has stored its first batch, a
 * SHARE lock on the sheets table holds its next write (each batch writes the sheets table first),
 * the fault is applied while it waits, and the lock is released.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecallApi, type RecallApi } from '../../src/local-explore-api/recall-api.ts';
import { consumerGroupId } from '../../src/consumer/consumer-group.ts';
import { groupLag } from '../../src/consumer/group-lag.ts';
import { deadLetterTopic } from '../../contract/pipeline-defaults.ts';
import { ORIGINAL_COLUMNS } from '../../src/transform/recall-row.ts';
import { startScratch, type ScratchEnvironment } from '../infra/scratch-environment.ts';
import { RAPPELCONSO0_RECORDS } from '../real-data.ts';
import { StopWaiting, until } from '../until.ts';
import { expectedRows, realRecords, rowsDifferingFromOriginal } from './recall-topic-fixture.ts';

const REFERENCES = new Set(expectedRows().map((row) => row.reference_fiche)).size;
const SHEETS = realRecords().length;
/** What every command owes a fatal error or a stop signal: its exit within this time. */
const EXIT_WITHIN_MS = 10_000;

let scratch: ScratchEnvironment;
let api: RecallApi;
let db: pg.Pool;
let kafka: Kafka;
let env: NodeJS.ProcessEnv;
let names = 0;

/** A pipeline name (its consumer group, its checkpoint) and a table name no other test uses. */
function fresh(prefix: string): { pipeline: string; table: string } {
  names += 1;
  return { pipeline: `${prefix}-${names}`, table: `${prefix.replaceAll('-', '_')}_${names}` };
}

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The last line of stderr: for a failure, what failed. */
  readonly lastLine: string;
  readonly exitedAt: number;
}

interface Running {
  readonly pid: number;
  readonly exited: Promise<Exit>;
  readonly done: () => boolean;
}

function recall(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, ['bin/recall.ts', ...args], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let finished = false;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.on('close', (code) => {
      finished = true;
      const lines = stderr.trimEnd().split('\n');
      resolve({ code, stdout, stderr, lastLine: lines.at(-1) ?? '', exitedAt: performance.now() });
    }),
  );
  return { pid: child.pid!, exited, done: () => finished };
}

async function recallOk(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Exit> {
  const exit = await recall(args, extraEnv).exited;
  expect(exit.code, `recall ${args.join(' ')}: ${exit.stderr.slice(-1500)}`).toBe(0);
  return exit;
}

const consumeArgs = (topic: string, { pipeline, table }: { pipeline: string; table: string }) => [
  'consume',
  '--pipeline',
  pipeline,
  '--topic',
  topic,
  '--table',
  table,
  '--until-caught-up',
];

async function count(table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

/** The original's 8,803 rows, exactly, and every one of the 8,810 sheets, once. */
async function expectExactTable(table: string): Promise<void> {
  const { rows } = await db.query<Record<string, string | null>>(`SELECT ${ORIGINAL_COLUMNS.join(', ')} FROM ${table}`);
  expect(rows).toHaveLength(REFERENCES);
  expect(rowsDifferingFromOriginal(rows)).toEqual([]);
  const { rows: sheets } = await db.query<{ n: number; distinct: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT record_id)::int AS distinct FROM ${table}_sheets`,
  );
  expect(sheets[0]).toEqual({ n: SHEETS, distinct: SHEETS });
}

async function expectCaughtUp(topic: string, pipeline: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lags = await groupLag(admin, consumerGroupId(pipeline), topic);
    expect(lags.map((entry) => entry.lag)).toEqual(lags.map(() => 0));
  } finally {
    await admin.disconnect();
  }
}

/** Group states once a new member has asked to join: the coordinator is rebalancing the group. */
const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance']);

/** Until `joining` has joined the pipeline's consumer group, or at least asked to. */
async function joinedGroup(pipeline: string, joining: Running): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await until(
      async () => {
        if (joining.done()) throw new StopWaiting('the joining consumer exited');
        const [group] = (await admin.describeGroups([consumerGroupId(pipeline)])).groups;
        return group !== undefined && (group.members.length >= 2 || REBALANCING.has(group.state));
      },
      `a second member in the consumer group of ${pipeline}`,
      { intervalMs: 50 },
    );
  } finally {
    await admin.disconnect();
  }
}

interface Paused {
  readonly consumer: Running;
  /** Rows the consumer had stored when it was held: more than none, fewer than all. */
  readonly storedBefore: number;
  /** Lets the held write go on; returns when (performance.now()) it did. */
  release(): Promise<number>;
}

/**
 * Starts the consumer and holds it after its first stored batch, with its next write waiting on a
 * lock. A load so quick that it ended before the lock was taken is started again under new names.
 */
async function consumerHeldMidLoad(
  topic: string,
  prefix: string,
  prepare: (names: { pipeline: string; table: string }) => Promise<NodeJS.ProcessEnv | void> = async () => {},
): Promise<Paused & { pipeline: string; table: string }> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const target = fresh(prefix);
    const extraEnv = (await prepare(target)) ?? {};
    const consumer = recall(consumeArgs(topic, target), extraEnv);
    await until(async () => consumer.done() || (await count(target.table).catch(() => 0)) > 0, 'a first stored batch', {
      intervalMs: 5,
    });
    const locker = new pg.Client(connection());
    // It dies with the server in the outage test.
    locker.on('error', () => undefined);
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${target.table}_sheets IN SHARE MODE`);
    const storedBefore = await count(target.table);
    if (storedBefore < REFERENCES && !consumer.done()) {
      await until(
        async () =>
          (
            await db.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM pg_locks WHERE relation = to_regclass($1) AND NOT granted',
              [`${target.table}_sheets`],
            )
          ).rows[0]!.n > 0,
        'the consumer to wait on the lock',
        { intervalMs: 20 },
      );
      const release = async () => {
        await locker.query('COMMIT').catch(() => undefined);
        await locker.end().catch(() => undefined);
        return performance.now();
      };
      return { ...target, consumer, storedBefore, release };
    }
    await locker.query('ROLLBACK');
    await locker.end();
    await consumer.exited;
  }
  throw new Error('the consumer loaded everything before it could be held three times over');
}

function connection(): pg.ClientConfig {
  return {
    host: env.PGHOST,
    port: Number(env.PGPORT),
    user: env.PGUSER,
    password: env.PGPASSWORD,
    database: env.PGDATABASE,
  };
}

/** Seeded, so a failing moment can be replayed: mulberry32. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let loadedTopic: string;
let healthy: { produceMs: number; consumeMs: number };

beforeAll(async () => {
  scratch = await startScratch(['postgres', 'kafka']);
  env = { ...process.env, ...scratch.env, RECALL_LOG_LEVEL: 'info' };
  db = new pg.Pool({ ...connection(), max: 2 });
  // Connections die with the server in the outage tests; the pool replaces them.
  db.on('error', () => undefined);
  kafka = new Kafka({ clientId: 'faults-test', brokers: [env.KAFKA_BROKERS!], logLevel: logLevel.NOTHING });
  api = await startRecallApi({ dataFile: RAPPELCONSO0_RECORDS, host: '127.0.0.1' });
}, 300_000);

afterAll(async () => {
  await api?.close();
  await db?.end();
  await scratch?.dispose();
});

describe('a healthy first run on a fresh broker and database', () => {
  it('loads the exact table, exits 0 and logs no error', async () => {
    const target = fresh('healthy');
    loadedTopic = target.pipeline;
    let started = performance.now();
    const produced = await recallOk(['produce', '--pipeline', 'source', '--api-url', api.url, '--topic', loadedTopic]);
    const produceMs = performance.now() - started;
    started = performance.now();
    const consumed = await recallOk(consumeArgs(loadedTopic, target));
    healthy = { produceMs, consumeMs: performance.now() - started };
    for (const run of [produced, consumed]) expect(run.stderr).not.toMatch(/"level":(50|60)/);
    expect(consumed.stdout).toContain(`table-rows=${REFERENCES} sheet-rows=${SHEETS}`);
    await expectExactTable(target.table);
  });
});

describe('the recall table', () => {
  it('missing behind its applied migration: the consumer exits 1 at once naming both; migrate --restore and a reload repair it', async () => {
    const target = fresh('missing');
    await recallOk(['migrate', '--table', target.table]);
    await db.query(`DROP TABLE ${target.table}`);
    const started = performance.now();
    const failed = await recall(consumeArgs(loadedTopic, target)).exited;
    expect(failed.code).toBe(1);
    expect(failed.exitedAt - started).toBeLessThan(EXIT_WITHIN_MS);
    expect(failed.lastLine).toMatch(
      new RegExp(
        `^recall: PostgreSQL .*, table ${target.table}: table "${target.table}" does not exist, yet migration 0001_recall_table.sql`,
      ),
    );
    expect(failed.lastLine).toContain(`recall migrate --table ${target.table} --restore`);

    expect((await recallOk(['migrate', '--table', target.table, '--restore'])).stdout).toContain(
      `restored "${target.table}"`,
    );
    await recallOk([...consumeArgs(loadedTopic, target), '--from-beginning']);
    await expectExactTable(target.table);
  });

  it('dropped mid-load: the consumer exits 1 within 10 s naming the table; the rerun after a restore is exact', async () => {
    const held = await consumerHeldMidLoad(loadedTopic, 'dropped');
    await db.query(`DROP TABLE ${held.table}`);
    const released = await held.release();
    const failed = await held.consumer.exited;
    expect(failed.code).toBe(1);
    expect(failed.exitedAt - released).toBeLessThan(EXIT_WITHIN_MS);
    expect(failed.lastLine).toMatch(
      new RegExp(`^recall: PostgreSQL .*, table ${held.table}: relation "${held.table}" does not exist$`),
    );

    await recallOk(['migrate', '--table', held.table, '--restore']);
    await recallOk([...consumeArgs(loadedTopic, held), '--from-beginning']);
    await expectExactTable(held.table);
    await expectCaughtUp(loadedTopic, held.pipeline);
  });

  it('privileges revoked mid-load: the consumer exits 1 within 10 s naming the table; once granted again the rerun is exact', async () => {
    const role = 'faults_writer';
    const password = 'faults-writer-password';
    await db.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await db.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await db.query(`GRANT CREATE, USAGE ON SCHEMA public TO ${role}`);
    await db.query(`GRANT SELECT ON recall_schema_migrations TO ${role}`);
    const grant = (table: string) => db.query(`GRANT SELECT, INSERT, UPDATE ON ${table}, ${table}_sheets TO ${role}`);
    const asWriter = { PGUSER: role, PGPASSWORD: password };
    const held = await consumerHeldMidLoad(loadedTopic, 'revoked', async ({ table }) => {
      await recallOk(['migrate', '--table', table]);
      await grant(table);
      return asWriter;
    });
    await db.query(`REVOKE INSERT, UPDATE ON ${held.table} FROM ${role}`);
    const released = await held.release();
    const failed = await held.consumer.exited;
    expect(failed.code).toBe(1);
    expect(failed.exitedAt - released).toBeLessThan(EXIT_WITHIN_MS);
    expect(failed.lastLine).toMatch(
      new RegExp(`^recall: PostgreSQL .*, table ${held.table}: permission denied for table ${held.table}$`),
    );

    await grant(held.table);
    await recallOk(consumeArgs(loadedTopic, held), asWriter);
    await expectExactTable(held.table);
    await expectCaughtUp(loadedTopic, held.pipeline);
  });
});

describe('outages', () => {
  it('PostgreSQL stopped mid-load: the consumer exits 1 within 10 s naming the server; after the restart the rerun is exact', async () => {
    const held = await consumerHeldMidLoad(loadedTopic, 'pg-stopped');
    const stopped = performance.now();
    await scratch.halt('postgres');
    const failed = await held.consumer.exited;
    await held.release();
    expect(failed.code).toBe(1);
    expect(failed.exitedAt - stopped).toBeLessThan(EXIT_WITHIN_MS);
    expect(failed.lastLine).toMatch(
      new RegExp(`^recall: PostgreSQL 127\\.0\\.0\\.1:${env.PGPORT}/\\w+, table ${held.table}: `),
    );

    await scratch.resume('postgres');
    await recallOk(consumeArgs(loadedTopic, held));
    await expectExactTable(held.table);
    await expectCaughtUp(loadedTopic, held.pipeline);
  });

  it('the broker stopped mid-load and started again: the consumer ends (loaded, or failing naming Kafka); the rerun is exact', async () => {
    const held = await consumerHeldMidLoad(loadedTopic, 'broker-stopped');
    await scratch.halt('kafka');
    await held.release();
    await sleep(3_000);
    await scratch.resume('kafka');
    const ended = await held.consumer.exited;
    if (ended.code !== 0) {
      expect(ended.code).toBe(1);
      expect(ended.lastLine).toMatch(/^recall: Kafka /);
    }
    await recallOk(consumeArgs(loadedTopic, held));
    await expectExactTable(held.table);
    await expectCaughtUp(loadedTopic, held.pipeline);
  });
});

describe('Kafka', () => {
  it('the topic deleted mid-load: the consumer exits 1 naming the topic; produce and consume again reach the exact table', async () => {
    const source = fresh('deleted-topic');
    const topic = source.pipeline;
    await recallOk(['produce', '--pipeline', source.pipeline, '--api-url', api.url, '--topic', topic]);
    const held = await consumerHeldMidLoad(topic, 'deleted-topic');
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] });
    await admin.disconnect();
    const deleted = await held.release();
    const failed = await held.consumer.exited;
    expect(failed.code).toBe(1);
    // kafkajs retries a vanished partition for about ten seconds before it gives up.
    expect(failed.exitedAt - deleted).toBeLessThan(3 * EXIT_WITHIN_MS);
    expect(failed.lastLine).toMatch(new RegExp(`^recall: Kafka .*, topic ${topic}, group `));

    // The producer finds the topic empty behind its checkpoint and sends everything again.
    const again = await recallOk(['produce', '--pipeline', source.pipeline, '--api-url', api.url, '--topic', topic]);
    expect(again.stdout).toContain(`fetched ${SHEETS}, sent ${SHEETS}`);
    await recallOk(consumeArgs(topic, held));
    await expectExactTable(held.table);
  });

  it('a consumer group rebalance mid-load (a second consumer joins): both exit 0 and the table is exact', async () => {
    const held = await consumerHeldMidLoad(loadedTopic, 'rebalance');
    const second = recall(consumeArgs(loadedTopic, held));
    await joinedGroup(held.pipeline, second);
    await held.release();
    const [first, other] = await Promise.all([held.consumer.exited, second.exited]);
    expect([first.code, other.code]).toEqual([0, 0]);
    const inserted = (exit: Exit) => Number(/inserted=(\d+)/.exec(exit.stdout)?.[1]);
    // Each row inserted once across both: a batch taken over after the rebalance changes nothing.
    expect(inserted(first) + inserted(other)).toBe(REFERENCES);
    await expectExactTable(held.table);
    await expectCaughtUp(loadedTopic, held.pipeline);
  });
});

describe('SIGTERM at 20 seeded random moments', () => {
  const SEED = 20261130;

  /** Signals a run at a moment; the run may have ended before it. */
  async function stopAt(run: Running, momentMs: number, what: string): Promise<void> {
    await sleep(momentMs);
    if (run.done()) return;
    const signalled = performance.now();
    process.kill(run.pid, 'SIGTERM');
    const exit = await run.exited;
    expect(exit.exitedAt - signalled, what).toBeLessThan(EXIT_WITHIN_MS);
    // 0: it finished what it was doing; 143: stopped short, saying so; killed by the signal itself
    // (no code) only before the command had started any work.
    if (exit.code === 143) expect(exit.lastLine, what).toMatch(/^recall( produce| consume)?: stopped by SIGTERM/);
    else if (exit.code !== null) expect(exit.code, `${what}: ${exit.stderr.slice(-800)}`).toBe(0);
  }

  it('during produce: each run exits within 10 s, and its rerun sends what is left, so the table is exact', async () => {
    const random = seededRandom(SEED);
    for (let run = 0; run < 20; run++) {
      const target = fresh('sigterm-produce');
      const produce = ['produce', '--pipeline', target.pipeline, '--api-url', api.url, '--topic', target.pipeline];
      await stopAt(recall(produce), random() * healthy.produceMs, `produce run ${run}`);
      await recallOk(produce);
      await recallOk(consumeArgs(target.pipeline, target));
      await expectExactTable(target.table);
    }
  }, 600_000);

  it('during consume: each run exits within 10 s, and its rerun completes the exact table', async () => {
    const random = seededRandom(SEED + 1);
    for (let run = 0; run < 20; run++) {
      const target = fresh('sigterm-consume');
      await stopAt(recall(consumeArgs(loadedTopic, target)), random() * healthy.consumeMs, `consume run ${run}`);
      await recallOk(consumeArgs(loadedTopic, target));
      await expectExactTable(target.table);
      await expectCaughtUp(loadedTopic, target.pipeline);
    }
  }, 600_000);
});
