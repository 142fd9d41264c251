/**
 * `recall check [--only postgres,kafka,kubernetes]`: connects to each backing service with the
 * settings the other subcommands would use and says, one line each, whether it answers.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import {
  kafkaSettings,
  kubernetesSettings,
  postgresSettings,
  type KafkaSettings,
  type KubernetesSettings,
  type PostgresSettings,
} from '../config/connection-settings.ts';
import type { Command } from './command.ts';
import { connectionUsage, connectionFlagOptions } from './connection-flags.ts';

const TARGETS = ['postgres', 'kafka', 'kubernetes'] as const;
type Target = (typeof TARGETS)[number];

async function checkPostgres(settings: PostgresSettings): Promise<string> {
  const client = new pg.Client({ ...settings, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0]?.server_version} at ${settings.host}:${settings.port}`;
  } finally {
    await client.end();
  }
}

async function checkKafka(settings: KafkaSettings): Promise<string> {
  const kafka = new Kafka({
    clientId: 'recall-check',
    brokers: settings.brokers,
    connectionTimeout: 5000,
    retry: { retries: 1 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [cluster, topics] = await Promise.all([admin.describeCluster(), admin.listTopics()]);
    const names = topics.filter((topic) => !topic.startsWith('__')).sort();
    return (
      `Kafka cluster ${cluster.clusterId} with ${cluster.brokers.length} broker(s) at ${settings.brokers.join(',')}; ` +
      `topics: ${names.join(', ')}`
    );
  } finally {
    await admin.disconnect();
  }
}

async function checkKubernetes(settings: KubernetesSettings): Promise<string> {
  const config = new k8s.KubeConfig();
  // KUBECONFIG may list several files, merged as kubectl merges them: the first current-context wins.
  const [first, ...more] = (settings.kubeconfig ?? '').split(path.delimiter).filter((file) => file !== '');
  if (first === undefined) config.loadFromDefault();
  else config.loadFromFile(first);
  for (const file of more) {
    const next = new k8s.KubeConfig();
    next.loadFromFile(file);
    config.mergeConfig(next, config.currentContext !== '');
  }
  const version = await config.makeApiClient(k8s.VersionApi).getCode();
  return `Kubernetes ${version.gitVersion} at ${config.getCurrentCluster()?.server}`;
}

export const checkCommand: Command = {
  name: 'check',
  usage: `usage: recall check [--only postgres,kafka,kubernetes] [--kubeconfig FILE]
  --only LIST          check only these (default: all three)
  --kubeconfig FILE    Kubernetes (default: KUBECONFIG)
${connectionUsage()}`,

  async run(argv, env) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        only: { type: 'string' },
        ...connectionFlagOptions,
        kubeconfig: { type: 'string' },
      },
      strict: true,
    });
    const only = values.only?.split(',').map((name) => name.trim()) ?? [...TARGETS];
    const unknown = only.filter((name) => !(TARGETS as readonly string[]).includes(name));
    if (unknown.length > 0)
      throw new Error(`--only="${values.only}": unknown target ${unknown.join(', ')}; known: ${TARGETS.join(', ')}`);

    const checks: Record<Target, () => Promise<string>> = {
      postgres: () => checkPostgres(postgresSettings(env, values)),
      kafka: () => checkKafka(kafkaSettings(env, values)),
      kubernetes: () => checkKubernetes(kubernetesSettings(env, values)),
    };
    let failures = 0;
    for (const target of TARGETS.filter((name) => only.includes(name))) {
      try {
        process.stdout.write(`ok    ${target}: ${await checks[target]()}\n`);
      } catch (error) {
        failures += 1;
        process.stdout.write(`FAIL  ${target}: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    return failures === 0 ? 0 : 1;
  },
};
