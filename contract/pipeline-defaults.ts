/**
 * Defaults shared by the data plane, the RecallPipeline API and the charts: one place, so a
 * pipeline built by the operator and one run by hand agree.
 */

/** The public RappelConso API, up to and excluding `/api/explore/v2.1`. */
export const DEFAULT_API_URL = 'https://data.economie.gouv.fr';

/** The datasets the producer reads: the original one and its live successor. */
export const DATASETS = ['rappelconso0', 'rappelconso-v2-gtin-espaces'] as const;
export type Dataset = (typeof DATASETS)[number];
export const DEFAULT_DATASET: Dataset = 'rappelconso0';

/** A dataset named on the command line (`flag`), or the default when none is. */
export function parseDataset(value: string | undefined, flag = '--dataset'): Dataset {
  if (value === undefined) return DEFAULT_DATASET;
  if (!(DATASETS as readonly string[]).includes(value)) {
    throw new Error(`${flag}="${value}": expected one of ${DATASETS.join(', ')}`);
  }
  return value as Dataset;
}

/** The original pipeline's topic and table names. */
export const DEFAULT_TOPIC = 'rappel_conso';
export const DEFAULT_TABLE = 'rappel_conso_table';

/**
 * Beside each recall table, its sheets table: every recall sheet, where the table keeps one per
 * reference. Its name is the table's with this suffix, so a table's own name leaves room for it
 * within PostgreSQL's 63-byte identifiers.
 */
export const SHEETS_TABLE_SUFFIX = '_sheets';
export const MAX_TABLE_NAME_LENGTH = 63 - SHEETS_TABLE_SUFFIX.length;

/** Where records that fail validation go, with the reason and the raw payload. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dead-letter`;
}

/**
 * The image holding this project (the `recall` command): the data-plane Jobs and the operator
 * run it. Tagged with the package's version, which a release publishes.
 */
export const DEFAULT_PIPELINE_IMAGE = 'ghcr.io/rappelconso/recall-pipeline-operator:0.1.0';

/**
 * The `recall` command inside the image, for every pod (operator, Jobs, Airflow's tasks): one
 * bundle of bin/recall.ts and its dependencies (`npm run build`, esbuild). Loading the
 * TypeScript source and node_modules file by file costs a short-lived Job about twice the
 * start-up time and 10-35 MB more resident memory (bench/suites/startup.ts).
 */
export const IMAGE_RECALL_ENTRYPOINT = 'dist/recall.js';

/**
 * The environment the image gives every command (the Dockerfile's ENV, held to this by
 * test/packaging/dockerfile.test.ts; the benches run the commands with it too).
 * MALLOC_ARENA_MAX: glibc gives threads that allocate their own malloc arenas, and V8's and libuv's
 * worker threads do; two arenas lowered the producer's and the consumer's peak RSS by about 10 MiB
 * at every input size, at the same CPU time.
 */
export const IMAGE_ENV = { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' } as const;

/** `kubectl recall` inside the image: plugin/kubectl-recall.ts, bundled beside the recall command. */
export const IMAGE_KUBECTL_RECALL_ENTRYPOINT = 'dist/kubectl-recall.js';

/** Who the image runs as: the `node` user of the official Node.js image it builds on (see the Dockerfile). */
export const PIPELINE_IMAGE_USER = { user: 1000, group: 1000 } as const;

/**
 * Strimzi's images run as user 1001 in group 0, the group that owns the data volume (the fsGroup
 * Strimzi itself would give a pod with persistent storage).
 */
export const STRIMZI_IMAGE_USER = { user: 1001, group: 0 } as const;

/**
 * Requests and limits of the Topic Operator Strimzi runs for a managed Kafka cluster. It watches the
 * pipeline's two topics; its JVM sizes the heap from the memory limit, so request and limit agree.
 */
export const TOPIC_OPERATOR_RESOURCES = {
  requests: { cpu: '100m', memory: '384Mi' },
  limits: { cpu: '500m', memory: '384Mi' },
} as const;
