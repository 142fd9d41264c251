/**
 * The local environment's components in start order. Each is loaded on demand, so that starting
 * PostgreSQL alone does not load the Kubernetes client.
 */
import type { Component } from './component.ts';

export interface ComponentEntry {
  readonly name: string;
  /** How people call it in messages. */
  readonly label: string;
  readonly load: () => Promise<Component>;
  /** Components that must run first. */
  readonly needs?: readonly ComponentName[];
}

export const componentEntries: readonly ComponentEntry[] = [
  { name: 'postgres', label: 'PostgreSQL', load: async () => (await import('./postgres.ts')).postgres },
  { name: 'kafka', label: 'Kafka', load: async () => (await import('./kafka.ts')).kafka },
  {
    name: 'kubernetes',
    label: 'the Kubernetes control plane',
    load: async () => (await import('./kubernetes.ts')).kubernetes,
  },
  // Strimzi's CRDs are installed into the control plane, so they come after it.
  {
    name: 'strimzi',
    label: "Strimzi's CRDs",
    load: async () => (await import('./strimzi.ts')).strimzi,
    needs: ['kubernetes'],
  },
  // Not a daemon: a virtualenv the DAG's tests run `airflow` from, against the control plane.
  { name: 'airflow', label: 'Apache Airflow', load: async () => (await import('./airflow.ts')).airflow },
];

export type ComponentName = 'postgres' | 'kafka' | 'kubernetes' | 'strimzi' | 'airflow';

export function componentEntry(name: string): ComponentEntry {
  const entry = componentEntries.find((candidate) => candidate.name === name);
  if (!entry) {
    throw new Error(`unknown component "${name}"; known: ${componentEntries.map((e) => e.name).join(', ')}`);
  }
  return entry;
}

/** The named components plus what they need, in start order; all of them when none is named. */
export function selectComponents(names: readonly string[]): ComponentEntry[] {
  if (names.length === 0) return [...componentEntries];
  const wanted = new Set<string>();
  const add = (name: string): void => {
    const entry = componentEntry(name);
    entry.needs?.forEach(add);
    wanted.add(entry.name);
  };
  names.forEach(add);
  return componentEntries.filter((entry) => wanted.has(entry.name));
}
