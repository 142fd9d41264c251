/**
 * String formats the API shares, each with the same pattern for zod and for the CRD (the apiserver
 * evaluates `pattern` with RE2, so these stay within the syntax both engines read alike).
 */
import { z } from 'zod';

/** RFC 1123 label: names of Kubernetes objects that become DNS names (clusters, Services). */
export const dnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label: lower-case letters, digits and "-"');

/** RFC 1123 subdomain: names of Secrets and most other objects. */
export const dnsSubdomain = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and "."',
  );

/** A Kubernetes resource quantity as written by people: `500m`, `1`, `256Mi`, `10Gi`. */
export const quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, 'must be a quantity such as 500m, 2, 256Mi or 10Gi');

/** A container image reference; registries differ too much for a stricter pattern to help. */
export const image = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[^\s]+$/, 'must be an image reference without spaces');

/** A Kafka topic name, as the broker accepts it. */
export const topicName = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[a-zA-Z0-9._-]+$/, 'must be a Kafka topic name: letters, digits, ".", "_" and "-"');

/** A lower-case unquoted PostgreSQL identifier (tables, databases), at most NAMEDATALEN - 1 bytes. */
export const sqlIdentifier = z
  .string()
  .min(1)
  .max(63)
  .regex(
    /^[a-z_][a-z0-9_]*$/,
    'must be a lower-case SQL identifier: letters, digits and "_", not starting with a digit',
  );

/** `host:port`, as Kafka clients take bootstrap servers. */
export const hostPort = z
  .string()
  .min(3)
  .max(261)
  .regex(/^[^\s:,]+:[0-9]{1,5}$/, 'must be host:port');
