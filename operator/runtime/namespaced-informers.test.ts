import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { NamespacedInformers, type CacheInformer } from './namespaced-informers.ts';

/** An informer over fixed objects that, like client-node's cache, filters by namespace when given one. */
class FakeInformer implements CacheInformer<k8s.KubernetesObject> {
  readonly scope: string | undefined;
  readonly objects: k8s.KubernetesObject[];
  readonly gets: (string | undefined)[] = [];

  constructor(scope: string | undefined, objects: k8s.KubernetesObject[]) {
    this.scope = scope;
    this.objects = objects;
  }

  get(name: string, namespace?: string): k8s.KubernetesObject | undefined {
    this.gets.push(namespace);
    return this.objects.find((o) => o.metadata?.name === name && o.metadata.namespace === namespace);
  }

  list(namespace?: string): readonly k8s.KubernetesObject[] {
    return this.objects.filter((o) => namespace === undefined || o.metadata?.namespace === namespace);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

const object = (namespace: string, name: string): k8s.KubernetesObject => ({ metadata: { namespace, name } });

/** Informers whose lists hold what a real list+watch of their scope would return from `cluster`. */
function informersOver(namespaces: readonly string[] | undefined, cluster: k8s.KubernetesObject[]) {
  const made: FakeInformer[] = [];
  const informers = new NamespacedInformers(namespaces, (scope) => {
    const informer = new FakeInformer(
      scope,
      cluster.filter((o) => scope === undefined || o.metadata?.namespace === scope),
    );
    made.push(informer);
    return informer;
  });
  return { informers, made };
}

const cluster = [object('a', 'one'), object('a', 'two'), object('b', 'one'), object('c', 'one')];

describe('NamespacedInformers', () => {
  it('makes one informer per watched namespace, duplicates once, and none across the cluster', () => {
    const { informers, made } = informersOver(['a', 'b', 'a'], cluster);
    expect(made.map((informer) => informer.scope)).toEqual(['a', 'b']);
    expect(informers.informers).toEqual(made);
  });

  it('makes a single cluster-wide informer without namespaces or with an empty list', () => {
    expect(informersOver(undefined, cluster).made.map((informer) => informer.scope)).toEqual([undefined]);
    expect(informersOver([], cluster).made.map((informer) => informer.scope)).toEqual([undefined]);
  });

  it('routes get to the informer of the namespace, and finds nothing in a namespace not watched', () => {
    const { informers, made } = informersOver(['a', 'b'], cluster);
    expect(informers.get('one', 'b')).toEqual(object('b', 'one'));
    expect(informers.get('two', 'a')).toEqual(object('a', 'two'));
    expect(informers.get('one', 'c')).toBeUndefined();
    expect(made.map((informer) => informer.gets)).toEqual([['a'], ['b']]);
  });

  it('lists one namespace, or every watched one concatenated', () => {
    const { informers } = informersOver(['a', 'b'], cluster);
    expect(informers.list('a')).toEqual([object('a', 'one'), object('a', 'two')]);
    expect(informers.list('c')).toEqual([]);
    expect(informers.list()).toEqual([object('a', 'one'), object('a', 'two'), object('b', 'one')]);
  });

  it('reads through the cluster-wide informer, namespace by namespace, when every namespace is watched', () => {
    const { informers } = informersOver(undefined, cluster);
    expect(informers.get('one', 'c')).toEqual(object('c', 'one'));
    expect(informers.list('a')).toHaveLength(2);
    expect(informers.list()).toEqual(cluster);
  });
});
