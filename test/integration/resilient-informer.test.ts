import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClusterAccess } from '../../operator/runtime/cluster-access.ts';
import { ResilientInformer } from '../../operator/runtime/resilient-informer.ts';
import { componentEntry } from '../infra/components.ts';
import { restartApiServer } from '../infra/kubernetes.ts';
import { scratchEnvironment, type ScratchEnvironment } from '../infra/scratch-environment.ts';
import { until } from '../until.ts';

/** What the informer delivered is in memory: poll it often. */
const soon = { timeoutMs: 30_000, intervalMs: 50 };

describe('ResilientInformer against a kube-apiserver that restarts', () => {
  let scratch: ScratchEnvironment;
  let core: k8s.CoreV1Api;
  let kubeconfig: string;
  const namespace = 'informer-test';

  beforeAll(async () => {
    // A private control plane: restarting the shared one would disturb other tests.
    scratch = scratchEnvironment('recall-informer-');
    const { KUBECONFIG } = await scratch.start(componentEntry('kubernetes'));
    kubeconfig = KUBECONFIG!;
    const config = new k8s.KubeConfig();
    config.loadFromFile(kubeconfig);
    core = config.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await scratch.dispose();
  });

  it('backs off, instead of retrying every 500 ms, on a kind the cluster does not serve', async () => {
    const delays: number[] = [];
    // As the operator lists Strimzi's kinds on a cluster without Strimzi: nothing, then a watch that 404s.
    const informer = new ResilientInformer<k8s.KubernetesObject>(await loadClusterAccess(kubeconfig), {
      path: '/apis/kafka.strimzi.io/v1/namespaces/default/kafkatopics',
      list: () => Promise.resolve({ apiVersion: 'v1', kind: 'List', items: [], metadata: { resourceVersion: '1' } }),
      onUpsert: () => {},
      onDelete: () => {},
      onError: (_error, restartInMs) => delays.push(restartInMs),
      initialBackoffMs: 100,
      maxBackoffMs: 800,
    });
    try {
      await informer.start();
      await until(() => delays.length >= 5, 'five failed watches', soon);
    } finally {
      await informer.stop();
    }
    expect(delays.slice(0, 5)).toEqual([100, 200, 400, 800, 800]);
  });

  it('keeps delivering events after the apiserver went away and came back', async () => {
    const seen = new Set<string>();
    const deleted = new Set<string>();
    const errors: unknown[] = [];
    const informer = new ResilientInformer<k8s.V1ConfigMap>(await loadClusterAccess(kubeconfig), {
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      list: (labelSelector) => core.listNamespacedConfigMap({ namespace, labelSelector }),
      labelSelector: 'test=informer',
      onUpsert: (object) => seen.add(object.metadata!.name!),
      onDelete: (object) => deleted.add(object.metadata!.name!),
      onError: (error) => errors.push(error),
      initialBackoffMs: 200,
      maxBackoffMs: 1000,
    });
    const labelled = (name: string) => ({ metadata: { name, labels: { test: 'informer' } }, data: { a: '1' } });
    try {
      await informer.start();
      await core.createNamespacedConfigMap({ namespace, body: labelled('before') });
      await until(() => seen.has('before'), 'the first ConfigMap', soon);

      await restartApiServer(scratch.context(), 1000);
      await core.createNamespacedConfigMap({ namespace, body: labelled('after') });
      await until(() => seen.has('after'), 'a ConfigMap created after the restart', soon);
      await core.deleteNamespacedConfigMap({ name: 'before', namespace });
      await until(() => deleted.has('before'), 'the delete event', soon);

      expect(errors.length).toBeGreaterThan(0); // it did notice the outage
      expect(informer.list(namespace).map((object) => object.metadata?.name)).toEqual(['after']);
    } finally {
      await informer.stop();
    }
  });
});
