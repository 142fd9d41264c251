/**
 * `spec.postgres`: where the consumer loads the recalls. A StatefulSet this pipeline owns, or an
 * external server reached with credentials from a Secret the user provides.
 */
import { z } from 'zod';
import { DEFAULT_TABLE, MAX_TABLE_NAME_LENGTH, SHEETS_TABLE_SUFFIX } from '../pipeline-defaults.ts';
import { versions } from '../versions.ts';
import { withCrossFieldRules, type CrossFieldRule } from './cross-field-rule.ts';
import { dnsSubdomain, image, quantity, sqlIdentifier } from './field-formats.ts';
import { resourcesSchema } from './resources-schema.ts';

export const POSTGRES_MODES = ['managed', 'external'] as const;
export type PostgresMode = (typeof POSTGRES_MODES)[number];

export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

export const DEFAULT_POSTGRES_IMAGE = `postgres:${versions.postgresImageTag}`;

/** Kubernetes' own words for a StatefulSet's volume claims (persistentVolumeClaimRetentionPolicy). */
export const ON_DELETE_POLICIES = ['Retain', 'Delete'] as const;
export type OnDeletePolicy = (typeof ON_DELETE_POLICIES)[number];

export const managedPostgresSchema = z
  .strictObject({
    image: image.default(DEFAULT_POSTGRES_IMAGE).meta({ description: 'The official postgres image or one like it.' }),
    storage: z
      .strictObject({
        size: quantity.default('5Gi').meta({ description: 'Size of the data volume.' }),
        storageClassName: z
          .string()
          .min(1)
          .optional()
          .meta({ description: 'StorageClass of the data volume; the cluster default when unset.' }),
      })
      .prefault({})
      .meta({ description: 'The persistent volume that holds the database.' }),
    resources: resourcesSchema(
      { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      'PostgreSQL',
    ),
    onDelete: z
      .enum(ON_DELETE_POLICIES)
      .default('Retain')
      .meta({
        description:
          'What deleting the pipeline does to the database. Retain: its volume, and the generated Secrets that ' +
          'unlock it (the password, Airflow’s keys), outlive the pipeline, labelled with its name, and a pipeline ' +
          'created again under that name uses them again. Delete: they are deleted with the pipeline.',
      }),
  })
  .meta({ description: 'A PostgreSQL StatefulSet owned by this pipeline.' });

export type ManagedPostgres = z.output<typeof managedPostgresSchema>;
export const DEFAULT_MANAGED_POSTGRES: ManagedPostgres = managedPostgresSchema.parse({});

const externalPostgresSchema = z
  .strictObject({
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[^\s:/]+$/, 'must be a host name or address')
      .meta({ description: 'Host name or address of the server.' }),
    port: z.int().min(1).max(65535).default(5432).meta({ description: 'Port of the server.' }),
    sslMode: z.enum(SSL_MODES).default('require').meta({ description: 'libpq sslmode for every connection.' }),
    secretRef: z
      .strictObject({
        name: dnsSubdomain.meta({ description: 'Name of the Secret, in the pipeline’s namespace.' }),
        usernameKey: z.string().min(1).default('username').meta({ description: 'Key holding the user name.' }),
        passwordKey: z.string().min(1).default('password').meta({ description: 'Key holding the password.' }),
      })
      .meta({ description: 'The Secret with the credentials; the user needs CREATE on the database.' }),
  })
  .meta({ description: 'An existing PostgreSQL server.' });

type PostgresFields = { mode: PostgresMode; managed?: unknown; external?: unknown };

const postgresRules: CrossFieldRule<PostgresFields>[] = [
  {
    cel: `self.mode != 'external' || has(self.external)`,
    message: 'postgres.external is required when postgres.mode is external',
    fieldPath: '.external',
    reason: 'FieldValueRequired',
    holds: (postgres) => postgres.mode !== 'external' || postgres.external !== undefined,
  },
  {
    cel: `self.mode == 'external' || !has(self.external)`,
    message: 'postgres.external is only allowed when postgres.mode is external',
    fieldPath: '.external',
    reason: 'FieldValueForbidden',
    holds: (postgres) => postgres.mode === 'external' || postgres.external === undefined,
  },
  {
    cel: `self.mode == 'managed' || !has(self.managed)`,
    message: 'postgres.managed is only allowed when postgres.mode is managed',
    fieldPath: '.managed',
    reason: 'FieldValueForbidden',
    holds: (postgres) => postgres.mode === 'managed' || postgres.managed === undefined,
  },
];

export const postgresSpecSchema = withCrossFieldRules(
  z.strictObject({
    mode: z.enum(POSTGRES_MODES).default('managed').meta({
      description: 'managed: a PostgreSQL StatefulSet owned by this pipeline; external: an existing server.',
    }),
    managed: managedPostgresSchema.optional(),
    external: externalPostgresSchema.optional(),
    database: sqlIdentifier.default('recall').meta({ description: 'The database that holds the table.' }),
    table: sqlIdentifier
      .max(MAX_TABLE_NAME_LENGTH, `at most ${MAX_TABLE_NAME_LENGTH} characters, leaving room for its sheets table`)
      .default(DEFAULT_TABLE)
      .meta({
        description:
          'The table the consumer loads, with the original pipeline’s columns, one row per reference; ' +
          `beside it, <table>${SHEETS_TABLE_SUFFIX} keeps every recall sheet.`,
      }),
  }),
  postgresRules,
)
  .prefault({})
  .meta({ description: 'The PostgreSQL database the consumer loads the recalls into.' });

export type PostgresSpec = z.output<typeof postgresSpecSchema>;
