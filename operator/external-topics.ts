/**
 * The topics of a pipeline on an external Kafka (kafka.mode external), created through the Kafka
 * admin API since no Strimzi Topic Operator looks after them. One admin client per cluster, kept
 * between reconciles; a failing one is dropped and reconnected next time.
 *
 * Deleting the pipeline leaves these topics in place, deliberately: the cluster and its data are
 * the user's, like an external PostgreSQL's table. That is why the operator needs no finalizer.
 */
import { Kafka, type Admin } from 'kafkajs';
import type { TopicDefinition } from '../charts/topics.ts';
import { kafkajsLogCreator } from '../src/kafka/kafkajs-log.ts';
import type { Logger } from '../src/logging/logger.ts';
import type { ExternalTopicsState } from './observe-children.ts';

export class ExternalTopics {
  readonly #admins = new Map<string, Promise<Admin>>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Creates the missing topics; reports whether all of them exist. */
  async ensure(bootstrapServers: string, topics: readonly TopicDefinition[]): Promise<ExternalTopicsState> {
    try {
      const admin = await this.#admin(bootstrapServers);
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic.name));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic: topic.name,
            numPartitions: topic.partitions,
            replicationFactor: topic.replicas,
            configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
          })),
        });
      }
      const names = topics.map((topic) => topic.name).join(' and ');
      return { ready: true, message: `topics ${names} exist on ${bootstrapServers}` };
    } catch (error) {
      await this.#drop(bootstrapServers);
      return {
        ready: false,
        message: `Kafka at ${bootstrapServers}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#admins.keys()].map((servers) => this.#drop(servers)));
  }

  #admin(bootstrapServers: string): Promise<Admin> {
    let admin = this.#admins.get(bootstrapServers);
    if (!admin) {
      const kafka = new Kafka({
        clientId: 'recall-pipeline-operator',
        brokers: bootstrapServers.split(','),
        connectionTimeout: 5000,
        retry: { retries: 2 },
        logCreator: kafkajsLogCreator(this.#log),
      });
      const client = kafka.admin();
      admin = client.connect().then(() => client);
      this.#admins.set(bootstrapServers, admin);
    }
    return admin;
  }

  async #drop(bootstrapServers: string): Promise<void> {
    const admin = this.#admins.get(bootstrapServers);
    this.#admins.delete(bootstrapServers);
    await admin?.then((client) => client.disconnect()).catch(() => undefined);
  }
}
