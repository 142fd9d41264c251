import type { V1Container, V1EnvVar, V1NetworkPolicy, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AIRFLOW_TASK_LOG_PORT } from './airflow-construct.ts';
import { keysToGenerate } from './generated-secret.ts';
import { RETAIN_LABEL } from './labels.ts';
import { buildPipelineObjects, type KubernetesObject } from './pipeline-chart.ts';
import { minimalSample } from './samples/minimal.ts';

function find(objects: KubernetesObject[], kind: string, name: string): KubernetesObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
}

function podOf(objects: KubernetesObject[], kind: 'Deployment' | 'Job', name: string): V1PodSpec {
  return (find(objects, kind, name).spec as { template: { spec: V1PodSpec } }).template.spec;
}

function containerOf(pod: V1PodSpec, name: string): V1Container {
  const found = [...(pod.initContainers ?? []), ...pod.containers].find((container) => container.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

function variable(container: V1Container, name: string): V1EnvVar | undefined {
  return container.env?.find((candidate) => candidate.name === name);
}

const pipeline = (suspend: boolean) => buildPipelineObjects({ ...minimalSample, spec: { suspend } });

describe('Airflow’s login', () => {
  const objects = buildPipelineObjects(minimalSample);
  const apiServer = podOf(objects, 'Deployment', 'rappel-conso-airflow-api-server');

  it('is a Secret the operator generates once: the user admin and a drawn password, kept with the database', () => {
    const secret = find(objects, 'Secret', 'rappel-conso-airflow-login');
    expect(keysToGenerate(secret)).toEqual({ username: { fixed: 'admin' }, password: 'alphanumeric-32' });
    expect(secret.metadata.labels?.[RETAIN_LABEL]).toBe('true');
    const dropped = buildPipelineObjects({ ...minimalSample, spec: { postgres: { managed: { onDelete: 'Delete' } } } });
    expect(find(dropped, 'Secret', 'rappel-conso-airflow-login').metadata.labels?.[RETAIN_LABEL]).toBeUndefined();
  });

  it('is written to the passwords file before the api-server starts, in its writable home', () => {
    const writer = containerOf(apiServer, 'write-login');
    expect(apiServer.initContainers?.map((container) => container.name)).toEqual([
      'wait-for-migrations',
      'write-login',
    ]);
    expect(writer.command?.slice(0, 2)).toEqual(['python', '-c']);
    const fromLogin = (key: string) => ({ secretKeyRef: { name: 'rappel-conso-airflow-login', key } });
    expect(variable(writer, 'AIRFLOW_LOGIN_USERNAME')?.valueFrom).toEqual(fromLogin('username'));
    expect(variable(writer, 'AIRFLOW_LOGIN_PASSWORD')?.valueFrom).toEqual(fromLogin('password'));

    const file = 'AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE';
    const server = containerOf(apiServer, 'api-server');
    expect(variable(writer, file)).toEqual(variable(server, file));
    // Airflow opens the file to append: it must lie on the scratch volume both containers mount.
    const home = apiServer.volumes?.find((volume) => volume.emptyDir)?.name;
    for (const container of [writer, server]) {
      const mount = container.volumeMounts?.find((candidate) => candidate.name === home);
      expect(variable(container, file)?.value?.startsWith(`${mount?.mountPath}/`)).toBe(true);
      expect(mount?.readOnly).toBeFalsy();
    }
  });

  it('names the Secret’s user, an admin, to the api-server, which sees no password', () => {
    const server = containerOf(apiServer, 'api-server');
    const names = server.env!.map((entry) => entry.name);
    // The kubelet expands $(NAME) only from variables listed before.
    expect(names.indexOf('AIRFLOW_LOGIN_USERNAME')).toBeLessThan(
      names.indexOf('AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS'),
    );
    expect(variable(server, 'AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS')?.value).toBe('$(AIRFLOW_LOGIN_USERNAME):admin');
    expect(variable(server, 'AIRFLOW_LOGIN_PASSWORD')).toBeUndefined();
  });

  it('is the api-server’s alone', () => {
    for (const component of ['scheduler', 'dag-processor']) {
      const pod = podOf(objects, 'Deployment', `rappel-conso-airflow-${component}`);
      for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(JSON.stringify(container.env)).not.toContain('airflow-login');
      }
    }
  });
});

describe('task logs, served by the scheduler to the api-server', () => {
  const objects = buildPipelineObjects(minimalSample);
  const scheduler = containerOf(podOf(objects, 'Deployment', 'rappel-conso-airflow-scheduler'), 'scheduler');
  const apiServer = containerOf(podOf(objects, 'Deployment', 'rappel-conso-airflow-api-server'), 'api-server');

  it('declares the scheduler’s log server port', () => {
    expect(scheduler.ports).toEqual([{ name: 'task-logs', containerPort: AIRFLOW_TASK_LOG_PORT }]);
  });

  it('records the pod’s IP as a task’s host, the log port and the signing key alike on both sides', () => {
    for (const name of [
      'AIRFLOW__CORE__HOSTNAME_CALLABLE',
      'AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT',
      // The api-server signs its log requests with it and the log server checks them with it.
      'AIRFLOW__API__SECRET_KEY',
    ]) {
      expect(variable(scheduler, name), name).toBeDefined();
      expect(variable(apiServer, name), name).toEqual(variable(scheduler, name));
    }
    expect(variable(scheduler, 'AIRFLOW__CORE__HOSTNAME_CALLABLE')?.value).toBe(
      'airflow.utils.net.get_host_ip_address',
    );
    expect(variable(scheduler, 'AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT')?.value).toBe(String(AIRFLOW_TASK_LOG_PORT));
  });

  it('is fenced by no NetworkPolicy', () => {
    const schedulerLabels = (
      find(objects, 'Deployment', 'rappel-conso-airflow-scheduler').spec as {
        template: { metadata: { labels: Record<string, string> } };
      }
    ).template.metadata.labels;
    const policies = objects.filter((object) => object.kind === 'NetworkPolicy') as unknown as V1NetworkPolicy[];
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      const selected = Object.entries(policy.spec?.podSelector?.matchLabels ?? {}).every(
        ([label, value]) => schedulerLabels[label] === value,
      );
      expect(selected, policy.metadata?.name).toBe(false);
    }
  });
});

describe('spec.suspend', () => {
  it.each([
    [true, 'pause'],
    [false, 'unpause'],
  ])('%s: the scheduler runs and, once the migrations are done, does `airflow dags %s`', (suspend, verb) => {
    const objects = pipeline(suspend);
    const deployment = find(objects, 'Deployment', 'rappel-conso-airflow-scheduler');
    expect((deployment.spec as { replicas: number }).replicas).toBe(1);
    const pod = podOf(objects, 'Deployment', 'rappel-conso-airflow-scheduler');
    expect(pod.initContainers?.map((container) => container.name)).toEqual(['wait-for-migrations', 'apply-suspend']);
    expect(containerOf(pod, 'apply-suspend').args).toEqual(['dags', verb, 'rappel-conso']);
  });

  it('reaches the DAG file where it is read, as RECALL_SUSPENDED', () => {
    for (const suspend of [true, false]) {
      const objects = pipeline(suspend);
      for (const component of ['scheduler', 'dag-processor']) {
        const pod = podOf(objects, 'Deployment', `rappel-conso-airflow-${component}`);
        expect(variable(containerOf(pod, component), 'RECALL_SUSPENDED')?.value).toBe(String(suspend));
      }
    }
  });

  it('rolls neither the api-server nor the migration Job, whose pod template is immutable', () => {
    const [suspended, running] = [pipeline(true), pipeline(false)];
    expect(podOf(suspended, 'Deployment', 'rappel-conso-airflow-api-server')).toEqual(
      podOf(running, 'Deployment', 'rappel-conso-airflow-api-server'),
    );
    expect(podOf(suspended, 'Job', 'rappel-conso-airflow-db-migrate')).toEqual(
      podOf(running, 'Job', 'rappel-conso-airflow-db-migrate'),
    );
  });
});

describe('resources', () => {
  const objects = buildPipelineObjects(minimalSample);
  const memory = (component: string, container: string) => {
    const resources = containerOf(
      podOf(objects, 'Deployment', `rappel-conso-airflow-${component}`),
      container,
    ).resources;
    return [String(resources?.requests?.memory), String(resources?.limits?.memory)];
  };

  it('gives the scheduler, whose pod runs the tasks, its own, and every other component the shared ones', () => {
    expect(memory('scheduler', 'scheduler')).toEqual(['640Mi', '1Gi']);
    for (const component of ['api-server', 'dag-processor', 'triggerer']) {
      expect(memory(component, component), component).toEqual(['320Mi', '640Mi']);
    }
  });
});
