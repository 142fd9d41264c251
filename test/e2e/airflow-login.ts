/** The Airflow login the operator generated for a pipeline, read from its Secret as the README tells users to. */
import { kubectlJson } from './kind-fixture.ts';

export interface AirflowLogin {
  readonly username: string;
  readonly password: string;
}

export async function airflowLogin(namespace: string, pipeline: string): Promise<AirflowLogin> {
  const secret = await kubectlJson<{ data: Record<string, string> }>(
    'get',
    'secret',
    `${pipeline}-airflow-login`,
    '-n',
    namespace,
  );
  const decode = (key: string) => Buffer.from(secret.data[key] ?? '', 'base64').toString();
  return { username: decode('username'), password: decode('password') };
}
