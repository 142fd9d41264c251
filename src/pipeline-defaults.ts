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

/** The original pipeline's topic and table names. */
export const DEFAULT_TOPIC = 'rappel_conso';
export const DEFAULT_TABLE = 'rappel_conso_table';

/** Where records that fail validation go, with the reason and the raw payload. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dead-letter`;
}

/**
 * The image holding this project (the `recall` command): the data-plane Jobs and the operator
 * run it. Tagged with the package's version, which a release publishes.
 */
export const DEFAULT_PIPELINE_IMAGE = 'ghcr.io/rappelconso/recall-pipeline-operator:0.1.0';

/** Who the image runs as: the `node` user of the official Node.js image it builds on (see the Dockerfile). */
export const PIPELINE_IMAGE_USER = { user: 1000, group: 1000 } as const;
