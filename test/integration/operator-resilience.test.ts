/**
 * The operator where things go wrong, on a private control plane (a scratch environment: restarting
 * the shared apiserver or loosening the shared CRD would disturb other tests):
 *
 * - kube-apiserver restarts under a running operator: it recovers and keeps reconciling;
 * - an invalid spec reaches it (the CRD here is installed without its spec schema, as if admission
 *   had let it through): Ready=False with reason InvalidSpec and the message naming the field, an
 *   Event, no crash and no retry storm; fixing the spec heals it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recallPipelineCrd } from '../../contract/recall-pipeline/crd.ts';
import { startOperator, type RunningOperator } from '../../operator/operator.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { restartApiServer } from '../infra/kubernetes.ts';
import { startScratch, type ScratchEnvironment } from '../infra/scratch-environment.ts';
import { caughtUp, counterTotal, installCrd, loadConfig, PipelineClient, until } from './operator-fixture.ts';

const ERRORS = 'recall_operator_reconcile_errors_total';
const WRITES = 'recall_operator_api_writes_total';

/** The CRD with its spec schema replaced by "anything": the apiserver no longer validates specs. */
function crdWithoutSpecValidation(): ReturnType<typeof recallPipelineCrd> {
  const crd = recallPipelineCrd();
  const version = (
    crd.spec.versions as Array<{ schema: { openAPIV3Schema: { properties: Record<string, unknown> } } }>
  )[0]!;
  version.schema.openAPIV3Schema.properties.spec = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return crd;
}

describe('operator: apiserver restart and invalid specs, on a private control plane', () => {
  let scratch: ScratchEnvironment;
  let operator: RunningOperator;
  let client: PipelineClient;
  const namespace = 'resilience';

  beforeAll(async () => {
    scratch = await startScratch(['strimzi']);
    const config = loadConfig(scratch.env.KUBECONFIG!);
    await installCrd(config, crdWithoutSpecValidation());
    client = new PipelineClient(config, namespace);
    await client.createNamespace();
    operator = await startOperator({ kubeconfig: scratch.env.KUBECONFIG!, logger: createLogger('operator', 'error') });
    await until(() => operator.isReady(), 'the operator caches to sync');
  });

  afterAll(async () => {
    await operator?.stop();
    await scratch?.dispose();
  });

  it('recovers from a kube-apiserver restart and keeps reconciling', async () => {
    await client.create('before');
    await until(
      async () => (await client.get('before')).status?.observedGeneration === 1,
      'the first pipeline’s status',
    );

    await restartApiServer(scratch.context(), 2000);

    // Drift made after the restart is restored, and a new pipeline is reconciled.
    await client.core.deleteNamespacedConfigMap({ name: 'before-airflow-dags', namespace });
    await client.create('after');
    await until(
      () => client.core.readNamespacedConfigMap({ name: 'before-airflow-dags', namespace }).then(() => true),
      'the deleted ConfigMap to be restored after the restart',
      90_000,
    );
    await until(
      async () => (await client.get('after')).status?.observedGeneration === 1,
      'the new pipeline’s status',
      90_000,
    );
    expect(await client.children()).toContain('StatefulSet/after-postgres');

    // Gone again, so that the next test counts the reconciles of its own pipeline only.
    await client.delete('before');
    await client.delete('after');
    // But for the Secrets that unlock their databases, which outlive them (postgres.managed.onDelete: Retain).
    const retained = [
      'after-airflow',
      'after-airflow-login',
      'after-postgres',
      'before-airflow',
      'before-airflow-login',
      'before-postgres',
    ].map((name) => `Secret/${name}`);
    await until(async () => (await client.children()).join() === retained.join(), 'the garbage collector', 90_000);
  });

  it('reports an invalid spec as Ready=False/InvalidSpec with an Event, without retrying, and heals once fixed', async () => {
    const errors = await counterTotal(operator.metrics.registry, ERRORS);
    const created = await client.create('invalid', { kafka: { partitions: 0 } });
    const failed = await client.waitForCondition('invalid', 'Ready', 'False', 'InvalidSpec');
    const ready = failed.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.message).toContain('kafka.partitions = 0');
    expect(failed.status?.phase).toBe('Failed');
    expect(failed.status?.observedGeneration).toBe(1);

    const events = await until(async () => {
      const list = await client.core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.uid=${created.metadata.uid}`,
      });
      return list.items.some((event) => event.reason === 'InvalidSpec') ? list.items : undefined;
    }, 'the InvalidSpec Event');
    expect(events.find((event) => event.reason === 'InvalidSpec')?.type).toBe('Warning');

    // No retry storm. A retry follows only a failed reconcile, and none failed; another reconcile
    // follows only a write, and once the failure is reported (reconciled again on its own status
    // write, then once more by a resync) a reconcile writes nothing.
    await caughtUp(operator, failed);
    const writes = await counterTotal(operator.metrics.registry, WRITES);
    operator.resync();
    await operator.idle();
    expect(await counterTotal(operator.metrics.registry, WRITES)).toBe(writes);
    expect(await counterTotal(operator.metrics.registry, ERRORS)).toBe(errors);
    expect((await client.children()).some((child) => child.includes('/invalid-'))).toBe(false);

    // Still alive: fixing the spec is picked up.
    await client.patch('invalid', { spec: { kafka: { partitions: 3 } } });
    const healed = await client.waitForCondition('invalid', 'Ready', 'False', 'KafkaNotReady');
    expect(healed.status?.observedGeneration).toBe(2);
    expect(await client.children()).toContain('StatefulSet/invalid-postgres');
  });
});
