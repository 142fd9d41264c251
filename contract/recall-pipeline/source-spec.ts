/** `spec.source`: where the producer reads recalls (the RappelConso API, Opendatasoft Explore v2.1). */
import { z } from 'zod';
import { DATASETS, DEFAULT_API_URL, DEFAULT_DATASET } from '../pipeline-defaults.ts';

/** The Explore v2.1 API returns at most 100 records per page. */
export const MAX_PAGE_SIZE = 100;

export const sourceSpecSchema = z
  .strictObject({
    dataset: z
      .enum(DATASETS)
      .default(DEFAULT_DATASET)
      .meta({ description: `The RappelConso dataset to read: ${DATASETS.join(' or ')}.` }),
    apiUrl: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) URL')
      .default(DEFAULT_API_URL)
      .meta({ description: 'Base URL of the Opendatasoft portal, up to and excluding /api/explore/v2.1.' }),
    pageSize: z
      .int()
      .min(1)
      .max(MAX_PAGE_SIZE)
      .optional()
      .meta({ description: `Records per API request (1 to ${MAX_PAGE_SIZE}); the producer's default when unset.` }),
    startDate: z.iso
      .date()
      .optional()
      .meta({ description: 'Only recalls published on or after this day (YYYY-MM-DD); all of them when unset.' }),
    filter: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .meta({ description: 'An extra ODSQL where clause the API applies, e.g. categorie_produit = "alimentation".' }),
  })
  .prefault({})
  .meta({ description: 'Where the producer reads product recalls: the RappelConso open-data API.' });

export type SourceSpec = z.output<typeof sourceSpecSchema>;
