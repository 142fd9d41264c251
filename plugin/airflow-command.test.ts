import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AIRFLOW_API_PORT } from '../charts/airflow-construct.ts';
import { containerPort, parsePort } from './airflow-command.ts';
import { UsageError } from './plugin-command.ts';

describe('kubectl recall airflow', () => {
  it('forwards to the container port the Service’s port leads to, named or numbered', () => {
    const pod = { spec: { containers: [{ name: 'api-server', ports: [{ name: 'http', containerPort: 8081 }] }] } };
    const service = (targetPort: string | number | undefined) =>
      ({ spec: { ports: [{ port: AIRFLOW_API_PORT, targetPort }] } }) as V1Service;
    expect(containerPort(service('http'), AIRFLOW_API_PORT, pod as V1Pod)).toBe(8081);
    expect(containerPort(service(9000), AIRFLOW_API_PORT, pod as V1Pod)).toBe(9000);
    expect(containerPort(service(undefined), AIRFLOW_API_PORT, pod as V1Pod)).toBe(AIRFLOW_API_PORT);
    expect(containerPort(service('metrics'), AIRFLOW_API_PORT, pod as V1Pod)).toBeUndefined();
    expect(containerPort(service('http'), 1234, pod as V1Pod)).toBeUndefined();
  });

  it('listens on the port asked for, else any free one', () => {
    expect(parsePort(undefined)).toBe(0);
    expect(parsePort('8080')).toBe(8080);
    for (const bad of ['0', '65536', 'http', '80a']) expect(() => parsePort(bad), bad).toThrow(UsageError);
  });
});
