/**
 * The login of Airflow's UI and API. Airflow 3's default auth manager, SimpleAuthManager, takes its
 * users from `[core] simple_auth_manager_users` and their passwords from a JSON file; for a user the
 * file lacks it draws a password and prints it, so with a scratch AIRFLOW_HOME every restart of the
 * api-server would print a new one to its log and nowhere else. Here the login is a Secret the
 * operator generates once, and an init container writes the passwords file from it before the
 * api-server starts, so the login stays the same across restarts and can be read from the Secret.
 */
import type { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { generatedSecret } from './generated-secret.ts';

/** The one user, an admin: a pipeline's Airflow serves the people who run that pipeline. */
export const AIRFLOW_LOGIN_USER = 'admin';
const AIRFLOW_LOGIN_ROLE = 'admin';

export const AIRFLOW_LOGIN_KEYS = { username: 'username', password: 'password' } as const;

const USERNAME_VARIABLE = 'AIRFLOW_LOGIN_USERNAME';
const PASSWORD_VARIABLE = 'AIRFLOW_LOGIN_PASSWORD';
const PASSWORDS_FILE_VARIABLE = 'AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE';

/**
 * Writes `{"<user>": "<password>"}` to the passwords file, readable by its owner only. SimpleAuthManager
 * opens the file for appending, so it must sit on a writable volume: a Secret volume would not do.
 */
const WRITE_PASSWORDS_FILE_SCRIPT = [
  'import json, os',
  `path = os.environ["${PASSWORDS_FILE_VARIABLE}"]`,
  'with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:',
  `    json.dump({os.environ["${USERNAME_VARIABLE}"]: os.environ["${PASSWORD_VARIABLE}"]}, file)`,
].join('\n');

export interface AirflowLogin {
  /** The api-server container's settings: its one user, and where the passwords file is. */
  readonly apiServerEnv: k8s.EnvVar[];
  /** The init container that writes the passwords file, in the Airflow image, before the api-server. */
  readonly writePasswordsFile: { readonly run: Pick<k8s.Container, 'command'>; readonly env: k8s.EnvVar[] };
}

export interface AirflowLoginProps {
  readonly secretName: string;
  readonly labels: Record<string, string>;
  /** AIRFLOW_HOME, the api-server's writable scratch volume, where the passwords file goes. */
  readonly airflowHome: string;
  readonly retain: boolean;
}

export function airflowLogin(scope: Construct, id: string, props: AirflowLoginProps): AirflowLogin {
  generatedSecret(scope, id, {
    name: props.secretName,
    labels: props.labels,
    keys: {
      [AIRFLOW_LOGIN_KEYS.username]: { fixed: AIRFLOW_LOGIN_USER },
      [AIRFLOW_LOGIN_KEYS.password]: 'alphanumeric-32',
    },
    retain: props.retain,
  });
  const fromSecret = (name: string, key: string): k8s.EnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: props.secretName, key } },
  });
  const username = fromSecret(USERNAME_VARIABLE, AIRFLOW_LOGIN_KEYS.username);
  const passwordsFile: k8s.EnvVar = {
    name: PASSWORDS_FILE_VARIABLE,
    value: `${props.airflowHome}/simple_auth_manager_passwords.json`,
  };
  return {
    apiServerEnv: [
      username,
      // The kubelet expands $(NAME) from the variables above it, so the user is the Secret's.
      { name: 'AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS', value: `$(${USERNAME_VARIABLE}):${AIRFLOW_LOGIN_ROLE}` },
      passwordsFile,
    ],
    writePasswordsFile: {
      run: { command: ['python', '-c', WRITE_PASSWORDS_FILE_SCRIPT] },
      env: [username, fromSecret(PASSWORD_VARIABLE, AIRFLOW_LOGIN_KEYS.password), passwordsFile],
    },
  };
}
