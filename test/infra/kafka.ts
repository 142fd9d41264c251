/**
 * Apache Kafka for local tests: one JVM in KRaft combined mode (broker and controller in the same
 * process), run straight from the Maven Central jars. It is the Kafka version Strimzi deploys by
 * default, so what passes here is what the operator's clusters run.
 *
 * Every start formats a fresh log directory: tests never depend on data from an earlier run.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { versions } from '../../contract/versions.ts';
import { artifactsDir, runDir, type Component, type ConnectionEnv, type EnvContext } from './component.ts';
import { classpath, fetchJars, type MavenArtifact } from './maven.ts';
import {
  freePort,
  logFile,
  portOpen,
  readJson,
  run,
  runningPid,
  startDaemon,
  stopDaemon,
  untilDaemon,
  writeJson,
} from './process.ts';

const name = 'kafka';

interface KafkaState {
  port: number;
  controllerPort: number;
  clusterId: string;
}

function libsDir(ctx: EnvContext): string {
  return path.join(artifactsDir(ctx, name, versions.kafka), 'libs');
}

function stateFile(ctx: EnvContext): string {
  return path.join(runDir(ctx, name), 'state.json');
}

function brokerAddress(state: KafkaState): string {
  return `127.0.0.1:${state.port}`;
}

function connectionEnv(state: KafkaState): ConnectionEnv {
  return { KAFKA_BROKERS: brokerAddress(state) };
}

/**
 * The broker POM declares slf4j-api but no backend; Kafka's own distribution routes SLF4J 1.x to
 * log4j2 through log4j-slf4j-impl, and so do we. Without it the broker logs nothing at all.
 */
function artifacts(): MavenArtifact[] {
  return [
    { groupId: 'org.apache.kafka', artifactId: `kafka_${versions.kafkaScala}`, version: versions.kafka },
    { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: versions.log4j },
    { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core', version: versions.log4j },
  ];
}

function serverProperties(dir: string, state: KafkaState): string {
  const controller = `127.0.0.1:${state.controllerPort}`;
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    // A dynamic quorum of one, bootstrapped by `format --standalone`.
    'controller.quorum.bootstrap.servers': controller,
    'controller.listener.names': 'CONTROLLER',
    listeners: `PLAINTEXT://${brokerAddress(state)},CONTROLLER://${controller}`,
    'advertised.listeners': `PLAINTEXT://${brokerAddress(state)},CONTROLLER://${controller}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(dir, 'data'),
    'num.partitions': 1,
    // Single node: every internal topic must live with one replica.
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // The defaults (50 partitions each) make the first consumer group or transaction wait seconds
    // for partitions nobody needs on a laptop.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.num.partitions': 1,
    // Tests start one consumer per group; waiting for others to join only slows them down.
    'group.initial.rebalance.delay.ms': 0,
    // In clusters Strimzi's KafkaTopics and our producer create every topic explicitly; a typo'd
    // topic name must fail a test instead of quietly producing to a new 1-partition topic.
    'auto.create.topics.enable': false,
  };
  return (
    Object.entries(settings)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n') + '\n'
  );
}

/** Everything to stdout, which `startDaemon` appends to kafka.log; the request loggers are too chatty at INFO. */
function log4j2Properties(): string {
  return `status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
`;
}

/** A Kafka cluster id: 16 random bytes in URL-safe base64 without padding, as `kafka-storage random-uuid` prints. */
function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * A quiet admin client that fails fast, since the callers poll. Group lookups still need a few
 * retries: kafkajs answers the first one on a new client with "no brokers in the broker pool"
 * and only then refreshes its metadata.
 */
function probeAdmin(state: KafkaState, retries: number): Admin {
  return new Kafka({
    clientId: 'recall-env-probe',
    brokers: [brokerAddress(state)],
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1000 },
    logLevel: logLevel.NOTHING,
  }).admin();
}

async function withAdmin<T>(state: KafkaState, retries: number, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = probeAdmin(state, retries);
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when the broker answers metadata requests and has registered itself (it is unfenced). */
async function healthy(state: KafkaState): Promise<boolean> {
  return withAdmin(state, 0, async (admin) => {
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  }).catch(() => false);
}

/** Polls `healthy` for up to `timeoutMs`, giving up at once when the broker process exits. */
async function healthyWithin(state: KafkaState, dir: string, timeoutMs: number): Promise<boolean> {
  return untilDaemon({ dir, name }, () => healthy(state), 'Kafka', { timeoutMs, intervalMs: 250 }).then(
    () => true,
    () => false,
  );
}

/**
 * True once a group coordinator answers. The first group lookup creates __consumer_offsets; doing
 * it here keeps that wait (and kafkajs' "coordinator not available" errors) out of the tests.
 */
async function coordinatorReady(state: KafkaState): Promise<boolean> {
  return withAdmin(state, 3, async (admin) => {
    await admin.describeGroups(['recall-env-probe']);
    return true;
  }).catch(() => false);
}

function jvm(ctx: EnvContext, dir: string, heap: readonly string[], main: string, args: readonly string[]): string[] {
  return [
    ...heap,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(dir, 'log4j2.properties')}`,
    '-cp',
    classpath(libsDir(ctx)),
    main,
    ...args,
  ];
}

/** Starts the broker of a formatted data directory and waits until its group coordinator answers. */
async function launch(ctx: EnvContext, dir: string, state: KafkaState): Promise<void> {
  const properties = path.join(dir, 'server.properties');
  ctx.log(`kafka: starting broker on ${brokerAddress(state)}`);
  startDaemon({
    name,
    dir,
    command: 'java',
    args: jvm(ctx, dir, ['-Xmx512m', '-Xms256m', '-XX:+UseG1GC'], 'kafka.Kafka', [properties]),
  });
  const daemon = { dir, name };
  await untilDaemon(daemon, () => portOpen(state.port), 'Kafka to listen', { timeoutMs: 60_000, intervalMs: 100 });
  await untilDaemon(daemon, () => healthy(state), 'Kafka to answer metadata requests', {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
  await untilDaemon(daemon, () => coordinatorReady(state), 'the Kafka group coordinator', {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
}

export const kafka: Component = {
  name,

  async provision(ctx) {
    await fetchJars(artifactsDir(ctx, name, versions.kafka), name, artifacts(), ctx.log);
  },

  async start(ctx) {
    const dir = runDir(ctx, name);
    const saved = readJson<KafkaState>(stateFile(ctx));
    // A running broker gets some patience (it may be starting, or the machine busy) before it is replaced.
    if (saved && runningPid(dir, name) !== undefined && (await healthyWithin(saved, dir, 20_000))) {
      return connectionEnv(saved);
    }
    // Whatever is left (a crashed broker, a half-started one) is thrown away with its data.
    await kafka.stop(ctx);
    await kafka.provision(ctx);

    const state: KafkaState = { port: await freePort(), controllerPort: await freePort(), clusterId: newClusterId() };
    while (state.controllerPort === state.port) state.controllerPort = await freePort();
    fs.mkdirSync(dir, { recursive: true });
    const properties = path.join(dir, 'server.properties');
    fs.writeFileSync(properties, serverProperties(dir, state));
    fs.writeFileSync(path.join(dir, 'log4j2.properties'), log4j2Properties());
    const log = logFile(dir, name);

    ctx.log(`kafka: formatting storage (cluster ${state.clusterId})`);
    // The formatter is a short-lived JVM: client-style flags make it start faster.
    const toolHeap = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
    await run(
      'java',
      jvm(ctx, dir, toolHeap, 'kafka.tools.StorageTool', [
        'format',
        '--standalone',
        // One argument: an id that starts with "-" would otherwise read as an option.
        `--cluster-id=${state.clusterId}`,
        '--config',
        properties,
      ]),
      { cwd: dir, logFile: log },
    );

    await launch(ctx, dir, state);
    writeJson(stateFile(ctx), state);
    return connectionEnv(state);
  },

  async stop(ctx) {
    const dir = runDir(ctx, name);
    await stopDaemon(dir, name);
    fs.rmSync(dir, { recursive: true, force: true });
  },

  async halt(ctx) {
    await stopDaemon(runDir(ctx, name), name);
  },

  async resume(ctx) {
    const state = readJson<KafkaState>(stateFile(ctx));
    if (!state) throw new Error('kafka: nothing to resume, it was never started here');
    await launch(ctx, runDir(ctx, name), state);
  },

  async status(ctx) {
    const dir = runDir(ctx, name);
    const pid = runningPid(dir, name);
    const state = readJson<KafkaState>(stateFile(ctx));
    if (pid === undefined || !state) return { running: false, detail: 'not running' };
    if (!(await healthyWithin(state, dir, 5_000)))
      return { running: false, detail: `pid ${pid} on ${brokerAddress(state)}, not answering` };
    return { running: true, detail: `pid ${pid}, Kafka ${versions.kafka} on ${brokerAddress(state)}` };
  },
};
