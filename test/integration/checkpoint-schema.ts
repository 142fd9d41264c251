/**
 * A throwaway PostgreSQL schema holding the producer's checkpoint table, created by the
 * migration runner, so tests run beside others without sharing a table.
 */
import pg from 'pg';
import { postgresSettings } from '../../src/config/connection-settings.ts';
import { migrate } from '../../src/postgres/migrate.ts';
import type { Dataset } from '../../contract/pipeline-defaults.ts';
import {
  CheckpointStore,
  type CheckpointDatabase,
  type StoredCheckpoint,
} from '../../src/producer/checkpoint-store.ts';
import { connectionFor } from '../infra/connection.ts';

export interface CheckpointSchema {
  name: string;
  /** Connection settings whose search_path is the schema (also as PGOPTIONS for a child process). */
  database: CheckpointDatabase;
  env: Record<string, string>;
  checkpoint(pipeline: string, dataset?: string): Promise<(StoredCheckpoint & { recordsSent: number }) | undefined>;
  drop(): Promise<void>;
}

/** With `migrated: false` the schema starts empty, as a fresh database would. */
export async function createCheckpointSchema(prefix: string, { migrated = true } = {}): Promise<CheckpointSchema> {
  const env = await connectionFor('postgres');
  const name = `${prefix}_${process.pid}_${Date.now()}`.replace(/[^a-z0-9_]/g, '_');
  const options = `-c search_path=${name}`;
  const database = { ...postgresSettings(env), options };
  const admin = new pg.Client(database);
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  if (migrated) await migrate(admin);
  return {
    name,
    database,
    env: { ...env, PGOPTIONS: options },
    async checkpoint(pipeline, dataset = 'rappelconso0') {
      // Read through the producer's own store, so the test sees exactly what a run would resume from.
      const store = await CheckpointStore.open(database, pipeline, dataset as Dataset, { exclusive: false });
      try {
        return await store.load();
      } finally {
        await store.close();
      }
    },
    async drop() {
      await admin.query(`DROP SCHEMA ${name} CASCADE`);
      await admin.end();
    },
  };
}
