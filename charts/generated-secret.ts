/**
 * Secrets whose values are generated once and never overwritten (database passwords, Airflow's
 * keys and login). A pure builder cannot draw random values, and re-applying a fresh value every
 * reconcile would lock the database out; so the builder emits the Secret with no data, marked
 * create-only, and names each key and the format of its value. The operator creates such a Secret
 * only when it does not exist, filling each key from a CSPRNG, and never applies it again.
 */
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { RETAIN_LABEL } from './labels.ts';

export const CREATE_ONLY_ANNOTATION = 'rappelconso.io/create-only';
export const GENERATE_ANNOTATION = 'rappelconso.io/generate';

/**
 * How the operator fills a key: `alphanumeric-N`, N characters of [A-Za-z0-9] (safe in URLs and
 * connection strings unescaped); `fernet-key`, 32 random bytes in URL-safe base64, as Airflow's
 * Fernet needs.
 */
export type SecretValueFormat = 'alphanumeric-32' | 'alphanumeric-64' | 'fernet-key';

/**
 * A value the builder already knows, such as a login's user name: it sits in the Secret beside the
 * generated password, so that one Secret is the whole login, for the pods and for the person.
 */
export interface FixedSecretValue {
  readonly fixed: string;
}

export type SecretKeyValue = SecretValueFormat | FixedSecretValue;

export interface GeneratedSecretProps {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly keys: Readonly<Record<string, SecretKeyValue>>;
  /**
   * The Secret unlocks data that outlives the pipeline, so it must too: it is labelled to be
   * retained and gets no owner reference, and a pipeline created again under the same name finds it.
   */
  readonly retain: boolean;
}

export function generatedSecret(scope: Construct, id: string, props: GeneratedSecretProps): k8s.KubeSecret {
  return new k8s.KubeSecret(scope, id, {
    metadata: {
      name: props.name,
      labels: props.retain ? { ...props.labels, [RETAIN_LABEL]: 'true' } : props.labels,
      annotations: { [CREATE_ONLY_ANNOTATION]: 'true', [GENERATE_ANNOTATION]: JSON.stringify(props.keys) },
    },
    type: 'Opaque',
  });
}

/** For the operator: the keys to generate when `object` is a create-only Secret, else undefined. */
export function keysToGenerate(object: {
  metadata?: { annotations?: Record<string, string> };
}): Record<string, SecretKeyValue> | undefined {
  const annotations = object.metadata?.annotations;
  if (annotations?.[CREATE_ONLY_ANNOTATION] !== 'true') return undefined;
  return JSON.parse(annotations[GENERATE_ANNOTATION] ?? '{}') as Record<string, SecretKeyValue>;
}
