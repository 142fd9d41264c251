/**
 * A container's environment as the kubelet would give it, for a test that runs the container's
 * command here: literal values with `$(NAME)` expanded from the variables listed before (`$$` is a
 * `$`), `secretKeyRef` from the Secrets' data the test supplies, the `metadata.namespace` fieldRef.
 */
import type { V1Container } from '@kubernetes/client-node';

export interface EnvSources {
  /** Secret name → key → value. */
  readonly secrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly namespace: string;
}

const REFERENCE = /\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g;

export function containerEnvironment(container: V1Container, sources: EnvSources): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const { name, value, valueFrom } = variable;
    if (value !== undefined) {
      environment[name] = value.replace(REFERENCE, (reference, referenced?: string) => {
        if (referenced === undefined) return '$';
        // The kubelet leaves a reference to an unknown variable as written.
        return environment[referenced] ?? reference;
      });
    } else if (valueFrom?.secretKeyRef) {
      const { name: secret, key } = valueFrom.secretKeyRef;
      const data = sources.secrets[secret!]?.[key];
      if (data === undefined) throw new Error(`${name}: the test supplies no key ${key} of Secret ${secret}`);
      environment[name] = data;
    } else if (valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') {
      environment[name] = sources.namespace;
    } else {
      throw new Error(`${name}: a source this emulation does not know`);
    }
  }
  return environment;
}
