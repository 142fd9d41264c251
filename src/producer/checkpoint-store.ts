/**
 * Checkpoints in PostgreSQL (table producer_checkpoints, migration 0002), one row per pipeline
 * and dataset: pods are ephemeral, a local file would be lost with them. The store also holds a
 * session advisory lock for its pipeline and dataset, so two producers of one pipeline cannot
 * interleave their checkpoints; the lock goes with the connection, even on SIGKILL.
 */
import pg from 'pg';
import { migrate } from '../postgres/migrate.ts';
import type { PostgresSettings } from '../config/connection-settings.ts';
import type { Dataset } from '../../contract/pipeline-defaults.ts';
import type { Checkpoint } from './checkpoint.ts';

export interface StoredCheckpoint extends Checkpoint {
  recordsSent: number;
  updatedAt: Date;
}

/** libpq settings plus `options` (e.g. `-c search_path=...`), which pg also reads from PGOPTIONS. */
export type CheckpointDatabase = PostgresSettings & { options?: string };

export class CheckpointStore {
  readonly #client: pg.Client;
  readonly #pipeline: string;
  readonly #dataset: Dataset;

  private constructor(client: pg.Client, pipeline: string, dataset: Dataset) {
    this.#client = client;
    this.#pipeline = pipeline;
    this.#dataset = dataset;
  }

  /** Connects; with `exclusive`, fails when another producer of this pipeline and dataset runs. */
  static async open(
    database: CheckpointDatabase,
    pipeline: string,
    dataset: Dataset,
    { exclusive }: { exclusive: boolean },
  ): Promise<CheckpointStore> {
    const client = new pg.Client({ ...database, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      // The checkpoint table is the producer's own: a first run on a fresh database creates it.
      await migrate(client);
      if (exclusive) {
        const { rows } = await client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
          [`recall-producer:${pipeline}:${dataset}`],
        );
        if (!rows[0]?.locked) {
          throw new Error(`pipeline="${pipeline}" dataset="${dataset}": another producer is running for it`);
        }
      }
      return new CheckpointStore(client, pipeline, dataset);
    } catch (error) {
      await client.end();
      throw error;
    }
  }

  async load(): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.#client.query<{
      publication: string;
      sent_at_publication: string[];
      records_sent: string;
      updated_at: Date;
    }>(
      `SELECT publication, sent_at_publication, records_sent, updated_at
         FROM producer_checkpoints WHERE pipeline = $1 AND dataset = $2`,
      [this.#pipeline, this.#dataset],
    );
    const row = rows[0];
    return row
      ? {
          publication: row.publication,
          sentAtPublication: row.sent_at_publication,
          recordsSent: Number(row.records_sent),
          updatedAt: row.updated_at,
        }
      : undefined;
  }

  /** Records that `newlySent` more records were acknowledged and the cursor is now `checkpoint`. */
  async save(checkpoint: Checkpoint, newlySent: number): Promise<void> {
    await this.#client.query(
      `INSERT INTO producer_checkpoints (pipeline, dataset, publication, sent_at_publication, records_sent)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (pipeline, dataset) DO UPDATE
         SET publication = EXCLUDED.publication,
             sent_at_publication = EXCLUDED.sent_at_publication,
             records_sent = producer_checkpoints.records_sent + EXCLUDED.records_sent,
             updated_at = now()`,
      [this.#pipeline, this.#dataset, checkpoint.publication, checkpoint.sentAtPublication, newlySent],
    );
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}
