/**
 * What deleting a pipeline does to its database (`spec.postgres.managed.onDelete`), against the
 * real control plane: the real garbage collector and StatefulSet controller delete, or keep, the
 * Secrets and volume claims, and an in-process operator scoped to this test's namespace creates
 * the pipeline again. No kubelet: the claims exist (the StatefulSet controller creates them with its
 * pods) but are never bound, which is all the retention policy needs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOperator } from '../../operator/operator.ts';
import { namespacedOperator, PipelineClient, until, type NamespacedOperator } from './operator-fixture.ts';

const RETAIN_LABEL = 'rappelconso.io/retain-on-delete';

describe('operator: the database a deleted pipeline leaves, and the Secrets that unlock it', () => {
  const namespace = `op-keep-${randomUUID().slice(0, 8)}`;
  let scoped: NamespacedOperator;
  let client: PipelineClient;
  let operator: RunningOperator;

  beforeAll(async () => {
    scoped = await namespacedOperator(namespace);
    ({ client, operator } = scoped);
  });

  afterAll(async () => {
    await scoped?.stop();
  });

  /** The Secret's data once the operator has filled it, with its owners' uids and labels. */
  async function secret(name: string) {
    const read = await until(async () => {
      const live = await client.core.readNamespacedSecret({ name, namespace });
      return live.data ? live : undefined;
    }, `Secret ${name} with its values`);
    return {
      data: read.data,
      owners: (read.metadata?.ownerReferences ?? []).map((owner) => owner.uid),
      labels: read.metadata?.labels ?? {},
    };
  }

  async function secretGone(name: string): Promise<boolean> {
    return client.core.readNamespacedSecret({ name, namespace }).then(
      () => false,
      (error: { code?: number }) => error.code === 404,
    );
  }

  async function claims(pipeline: string): Promise<Array<{ name: string; owners: string[] }>> {
    const list = await client.core.listNamespacedPersistentVolumeClaim({
      namespace,
      labelSelector: `app.kubernetes.io/instance=${pipeline}`,
    });
    return list.items
      .filter((claim) => !claim.metadata?.deletionTimestamp)
      .map((claim) => ({
        name: claim.metadata!.name!,
        owners: (claim.metadata?.ownerReferences ?? []).map((owner) => `${owner.kind}/${owner.name}`),
      }));
  }

  const created = (name: string) =>
    until(
      () => client.apps.readNamespacedStatefulSet({ name: `${name}-postgres`, namespace }),
      `StatefulSet ${name}-postgres`,
    );

  it('Retain: the password and Airflow keys outlive the pipeline, and the same name finds them again', async () => {
    const first = await client.create('kept', { jobs: { runOnCreate: false } });
    await created('kept');
    const password = await secret('kept-postgres');
    const airflow = await secret('kept-airflow');
    expect(password.owners).toEqual([]);
    expect(password.labels[RETAIN_LABEL]).toBe('true');
    expect(airflow.owners).toEqual([]);
    await until(async () => (await claims('kept')).length === 1, 'the data volume claim');

    await client.delete('kept');
    const left = ['Secret/kept-airflow', 'Secret/kept-airflow-login', 'Secret/kept-postgres'];
    await until(async () => (await client.children()).join() === left.join(), 'all else to be collected', 90_000);
    expect(await claims('kept')).toEqual([{ name: 'data-kept-postgres-0', owners: [] }]);

    const second = await client.create('kept', { jobs: { runOnCreate: false } });
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    const statefulSet = await created('kept');
    expect(statefulSet.metadata?.ownerReferences?.map((owner) => owner.uid)).toEqual([second.metadata.uid]);
    await until(() => operator.idle().then(() => true), 'the operator to settle');
    expect(await secret('kept-postgres')).toEqual(password);
    expect(await secret('kept-airflow')).toEqual(airflow);
    await client.delete('kept');
  });

  it('Delete: the Secrets and the volume claim go with the pipeline', async () => {
    await client.create('dropped', { postgres: { managed: { onDelete: 'Delete' } }, jobs: { runOnCreate: false } });
    const { uid } = await client.get('dropped').then((pipeline) => pipeline.metadata);
    await created('dropped');
    expect((await secret('dropped-postgres')).owners).toEqual([uid]);
    expect((await secret('dropped-airflow')).owners).toEqual([uid]);
    // The StatefulSet controller makes the claim the StatefulSet's, for the collector to delete with it.
    await until(
      async () => (await claims('dropped')).some((claim) => claim.owners.includes('StatefulSet/dropped-postgres')),
      'the claim owned by the StatefulSet',
    );

    await client.delete('dropped');
    await until(
      async () => (await secretGone('dropped-postgres')) && (await secretGone('dropped-airflow')),
      'the Secrets to be collected',
      90_000,
    );
    await until(async () => (await claims('dropped')).length === 0, 'the claim to be deleted', 90_000);
  });

  it('adopts the retained Secrets when onDelete becomes Delete, and releases them when it is Retain again', async () => {
    const pipeline = await client.create('switched', { jobs: { runOnCreate: false } });
    const { data, owners } = await secret('switched-postgres');
    expect(owners).toEqual([]);

    await client.patch('switched', { spec: { postgres: { managed: { onDelete: 'Delete' } } } });
    const adopted = await until(async () => {
      const live = await secret('switched-postgres');
      return live.owners.length > 0 ? live : undefined;
    }, 'the Secret to be adopted');
    expect(adopted.data).toEqual(data);
    expect(adopted.owners).toEqual([pipeline.metadata.uid]);
    expect(adopted.labels[RETAIN_LABEL]).toBeUndefined();

    await client.patch('switched', { spec: { postgres: { managed: { onDelete: 'Retain' } } } });
    const released = await until(async () => {
      const live = await secret('switched-postgres');
      return live.owners.length === 0 ? live : undefined;
    }, 'the Secret to be released');
    expect(released.data).toEqual(data);
    expect(released.labels[RETAIN_LABEL]).toBe('true');
    await client.delete('switched');
  });
});
