/**
 * Deterministic object names within Kubernetes' limits, however long the pipeline's name. A name
 * that fits is kept as is; one that does not (or holds a "." where a DNS label allows none) is cut
 * and gets a short hash of the full pipeline name, so two long names sharing a prefix stay apart.
 * Object names also start with a letter: a pipeline's name need only be a DNS-1123 subdomain, but a
 * Service's must be a DNS-1035 label, and Strimzi names its Services after the Kafka cluster.
 */
import { createHash } from 'node:crypto';

/**
 * Longest name we give a workload: a StatefulSet's pods carry a `controller-revision-hash` label of
 * its name plus 11 characters, and label values stop at 63.
 */
export const MAX_NAME_LENGTH = 52;

/** Label values stop at 63 characters. */
export const MAX_LABEL_LENGTH = 63;

const HASH_LENGTH = 8;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/**
 * Put before a name that starts with a digit. The hash that then follows keeps `2024-x` apart from a
 * pipeline really named `rp-2024-x`.
 */
const LETTER_PREFIX = 'rp-';

function fitted(text: string, maxLength: number, hashSource: string, letterFirst = false): string {
  const label = text.replaceAll('.', '-');
  const needsLetter = letterFirst && !/^[a-z]/.test(label);
  if (label === text && label.length <= maxLength && !needsLetter) return label;
  const head = `${needsLetter ? LETTER_PREFIX : ''}${label}`.slice(0, maxLength - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${head}-${shortHash(hashSource)}`;
}

/** `<pipeline>-<suffix>`, a DNS-1035 label (a DNS-1123 label starting with a letter) of at most `maxLength` characters. */
export function objectName(pipeline: string, suffix: string, maxLength = MAX_NAME_LENGTH): string {
  const room = maxLength - suffix.length - 1;
  if (room < HASH_LENGTH + 2) throw new Error(`suffix "${suffix}" leaves no room for a name within ${maxLength}`);
  return `${fitted(pipeline, room, pipeline, true)}-${suffix}`;
}

/** The pipeline's name as a label value. */
export function labelValue(pipeline: string): string {
  return fitted(pipeline, MAX_LABEL_LENGTH, pipeline);
}
