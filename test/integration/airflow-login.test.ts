/**
 * Airflow's login as the charts set it up, under the real api-server (from PyPI): the api-server
 * pod's init container, its command run here as rendered, writes the passwords file from the login
 * Secret filled as the operator fills it; then `airflow api-server`, with the settings of the
 * api-server's container, gives a token for that user and password and refuses any other.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysToGenerate } from '../../charts/generated-secret.ts';
import { generateSecretData } from '../../operator/secret-values.ts';
import { freePort } from '../infra/process.ts';
import { until } from '../until.ts';
import { airflowHome, chartedAirflow, type AirflowCommand, type AirflowHome } from './airflow-fixture.ts';
import { containerEnvironment } from './container-env.ts';

const NAMESPACE = 'recall';
const LOGIN_SECRET = 'rappel-conso-airflow-login';
const HOME_VOLUME = 'airflow-home';

function containerOf(pod: V1PodSpec, name: string): V1Container {
  const found = [...(pod.initContainers ?? []), ...pod.containers].find((container) => container.name === name);
  if (!found) throw new Error(`the api-server's pod has no container ${name}`);
  return found;
}

describe('the Airflow login the charts set up, under the real api-server', () => {
  let templateDir: string;
  let home: AirflowHome;
  let server: AirflowCommand | undefined;
  let login: { username: string; password: string };
  let passwordsFile: string;
  let baseUrl: string;

  beforeAll(async () => {
    templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-pod-templates-'));
    const charted = chartedAirflow(NAMESPACE, templateDir);
    // Each create-only Secret, filled once as the operator fills it.
    const secrets: Record<string, Record<string, string>> = {};
    for (const object of charted.objects) {
      const keys = object.kind === 'Secret' ? keysToGenerate(object) : undefined;
      if (keys) secrets[object.metadata.name] = generateSecretData(keys);
    }
    login = secrets[LOGIN_SECRET] as typeof login;
    home = await airflowHome(charted.dag, { migrate: true });

    const deployment = charted.objects.find(
      (object) =>
        object.kind === 'Deployment' &&
        object.metadata.labels?.['app.kubernetes.io/component'] === 'airflow-api-server',
    ) as unknown as { spec: { template: { spec: V1PodSpec } } };
    const pod = deployment.spec.template.spec;
    const writer = containerOf(pod, 'write-login');
    const apiServer = containerOf(pod, 'api-server');
    // The pod's AIRFLOW_HOME, a scratch volume, is the test's home here.
    const podHome = apiServer.volumeMounts!.find((mount) => mount.name === HOME_VOLUME)!.mountPath;
    const local = (container: V1Container): Record<string, string> =>
      Object.fromEntries(
        Object.entries(containerEnvironment(container, { secrets, namespace: NAMESPACE })).map(([name, value]) => [
          name,
          value.startsWith(`${podHome}/`) ? path.join(home.home, value.slice(podHome.length)) : value,
        ]),
      );

    const [python, ...args] = writer.command!;
    expect(python).toBe('python');
    const writerEnv = local(writer);
    passwordsFile = writerEnv.AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE!;
    const written = await home.python(args, writerEnv).done;
    expect(written.code, written.output).toBe(0);

    // Everything of the api-server's container but where the metadata database and DAGs are: the
    // test's home has its own SQLite database and dags folder.
    const serverEnv = Object.fromEntries(
      Object.entries(local(apiServer)).filter(
        ([name]) => !/^PG|SQL_ALCHEMY_CONN|^AIRFLOW__CORE__DAGS_FOLDER$/.test(name),
      ),
    );
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = home.airflow([...apiServer.args!, '--port', String(port)], serverEnv);
    await until(
      async () => {
        if (server!.outputSoFar().includes('Traceback')) throw new Error(server!.outputSoFar().slice(-3000));
        return (await fetch(`${baseUrl}/api/v2/monitor/health`).catch(() => undefined))?.ok;
      },
      'the api-server to answer',
      90_000,
    );
  }, 180_000);

  afterAll(async () => {
    server?.kill();
    await server?.done;
    home?.dispose();
    if (templateDir) fs.rmSync(templateDir, { recursive: true, force: true });
  });

  const token = (body: { username: string; password: string }) =>
    fetch(`${baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('gives a token for the Secret’s user and password, an admin’s', async () => {
    expect(login.username).toBe('admin');
    const response = await token(login);
    expect(response.status).toBe(201);
    const { access_token: accessToken } = (await response.json()) as { access_token: string };
    const dags = await fetch(`${baseUrl}/api/v2/dags`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(dags.status).toBe(200);
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as object;
    expect(claims).toMatchObject({ sub: 'admin', role: 'admin' });
  });

  it('refuses a wrong password, and another user', async () => {
    expect((await token({ ...login, password: `${login.password}x` })).status).toBe(401);
    expect((await token({ username: 'airflow', password: login.password })).status).toBe(401);
  });

  it('keeps the password where the Secret put it: none drawn, none printed', () => {
    expect(JSON.parse(fs.readFileSync(passwordsFile, 'utf8'))).toEqual({ [login.username]: login.password });
    expect(fs.statSync(passwordsFile).mode & 0o777).toBe(0o600);
    expect(server!.outputSoFar()).not.toContain('Password for user');
  });
});
