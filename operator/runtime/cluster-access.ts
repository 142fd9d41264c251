/**
 * Where the apiserver is and how the operator proves who it is: read from a kubeconfig file or,
 * in a pod, from its service account.
 *
 * Why not client-node's KubeConfig for this: importing it imports every generated API client and
 * model with it, about 50 MB of resident memory, more than the operator's whole cache of two
 * hundred pipelines. The cases an operator meets (a service account; a kubeconfig with a client
 * certificate, a token or a password) take a page of code. Whatever needs more (exec credential
 * plugins, auth providers, proxies, several merged files) is handed to client-node's KubeConfig,
 * loaded only then, so a developer's cloud login keeps working.
 */
import fs from 'node:fs';
import type https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { z } from 'zod';

export interface ClusterAccess {
  /** The apiserver's base URL as configured, without a trailing slash (it may carry a path). */
  readonly server: string;
  /** What an https.Agent needs to trust the server and present a client certificate. */
  readonly tls: Pick<
    https.AgentOptions,
    'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername'
  >;
  /** The authentication headers of one request, read afresh: mounted and plugin tokens rotate. */
  authHeaders(): Promise<Record<string, string>>;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const kubeconfigSchema = z.object({
  'current-context': z.string().optional(),
  contexts: z
    .array(z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string().optional() }) }))
    .default([]),
  clusters: z
    .array(
      z.object({
        name: z.string(),
        cluster: z.looseObject({
          server: z.string(),
          'certificate-authority': z.string().optional(),
          'certificate-authority-data': z.string().optional(),
          'insecure-skip-tls-verify': z.boolean().optional(),
          'tls-server-name': z.string().optional(),
        }),
      }),
    )
    .default([]),
  users: z
    .array(
      z.object({
        name: z.string(),
        user: z.looseObject({
          'client-certificate': z.string().optional(),
          'client-certificate-data': z.string().optional(),
          'client-key': z.string().optional(),
          'client-key-data': z.string().optional(),
          token: z.string().optional(),
          tokenFile: z.string().optional(),
          username: z.string().optional(),
          password: z.string().optional(),
        }),
      }),
    )
    .default([]),
});

type Kubeconfig = z.infer<typeof kubeconfigSchema>;
type ClusterEntry = Kubeconfig['clusters'][number]['cluster'];
type UserEntry = Kubeconfig['users'][number]['user'];

/** Settings this module does not handle; their presence hands the file to client-node. */
const DELEGATED_CLUSTER_SETTINGS = ['proxy-url'];
const DELEGATED_USER_SETTINGS = ['exec', 'auth-provider', 'as'];
/** Impersonation beyond the user name: client-node ignores it too, so it is refused rather than dropped. */
const UNSUPPORTED_USER_SETTINGS = ['as-groups', 'as-uid', 'as-user-extra'];

/**
 * Resolves access the way kubectl does: the given file, else KUBECONFIG, else ~/.kube/config,
 * else the pod's service account.
 */
export async function loadClusterAccess(
  kubeconfig?: string,
  where: Partial<AccessSources> = {},
): Promise<ClusterAccess> {
  const { env, home, serviceAccountDir } = { ...defaultSources(), ...where };
  const file = kubeconfig ?? env.KUBECONFIG;
  if (file?.includes(path.delimiter)) return delegateToClientNode(file);
  if (file) return fromKubeconfigFile(file);
  const homeConfig = path.join(home, '.kube', 'config');
  if (fs.existsSync(homeConfig)) return fromKubeconfigFile(homeConfig);
  if (env.KUBERNETES_SERVICE_HOST) return inCluster(env, serviceAccountDir);
  throw new Error('no Kubernetes access: set --kubeconfig or KUBECONFIG, create ~/.kube/config, or run in a pod');
}

/** Where access is looked for; tests give their own. */
export interface AccessSources {
  env: NodeJS.ProcessEnv;
  home: string;
  /** Where Kubernetes mounts a pod's service account token and CA. */
  serviceAccountDir: string;
}

function defaultSources(): AccessSources {
  return { env: process.env, home: os.homedir(), serviceAccountDir: SERVICE_ACCOUNT_DIR };
}

/** Access through a KubeConfig that client-node loaded (the files handed to it). */
export async function fromClientNodeConfig(config: k8s.KubeConfig): Promise<ClusterAccess> {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster (check --kubeconfig or KUBECONFIG)');
  // Certificates and keys are resolved once, for the connection pool; credentials per request.
  const resolved: https.RequestOptions = {};
  await config.applyToHTTPSOptions(resolved);
  const { ca, cert, key, pfx, passphrase } = resolved;
  return {
    server: cluster.server.replace(/\/+$/, ''),
    tls: withoutUndefined({
      ca,
      cert,
      key,
      pfx,
      passphrase,
      rejectUnauthorized: cluster.skipTLSVerify ? false : undefined,
      servername: cluster.tlsServerName,
    }),
    async authHeaders() {
      const options: https.RequestOptions = {};
      await config.applyToHTTPSOptions(options);
      const headers = { ...(options.headers as Record<string, string> | undefined) };
      if (typeof options.auth === 'string') headers.authorization = basic(options.auth);
      return headers;
    },
  };
}

async function delegateToClientNode(file: string): Promise<ClusterAccess> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  if (file.includes(path.delimiter)) {
    // Several files are merged as kubectl merges them, which client-node does from KUBECONFIG.
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      config.loadFromDefault();
    } finally {
      if (previous === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previous;
    }
  } else config.loadFromFile(file);
  return fromClientNodeConfig(config);
}

async function fromKubeconfigFile(file: string): Promise<ClusterAccess> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`kubeconfig="${file}": cannot be read (${(error as Error).message})`, { cause: error });
  }
  const parsed = kubeconfigSchema.safeParse(yaml.load(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`kubeconfig="${file}": ${issue.path.join('.') || 'the file'}: ${issue.message}`);
  }
  const config = parsed.data;
  const contextName = config['current-context'];
  const context = config.contexts.find((entry) => entry.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig="${file}": current-context="${contextName ?? ''}" names no context`);
  const cluster = config.clusters.find((entry) => entry.name === context.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig="${file}": context.cluster="${context.cluster}" names no cluster`);
  const user = config.users.find((entry) => entry.name === context.user)?.user ?? {};
  const unsupported = UNSUPPORTED_USER_SETTINGS.find((setting) => setting in user);
  if (unsupported) {
    throw new Error(
      `kubeconfig="${file}": user "${context.user}" sets ${unsupported}, which the operator does not support`,
    );
  }
  if (
    DELEGATED_CLUSTER_SETTINGS.some((setting) => setting in cluster) ||
    DELEGATED_USER_SETTINGS.some((setting) => setting in user)
  ) {
    return delegateToClientNode(file);
  }
  return fromEntries(path.dirname(path.resolve(file)), cluster, user);
}

function fromEntries(dir: string, cluster: ClusterEntry, user: UserEntry): ClusterAccess {
  const material = (data: string | undefined, file: string | undefined) =>
    data !== undefined
      ? Buffer.from(data, 'base64')
      : file !== undefined
        ? fs.readFileSync(path.resolve(dir, file))
        : undefined;
  const tokenFile = user.tokenFile === undefined ? undefined : path.resolve(dir, user.tokenFile);
  return {
    server: cluster.server.replace(/\/+$/, ''),
    tls: withoutUndefined({
      ca: material(cluster['certificate-authority-data'], cluster['certificate-authority']),
      cert: material(user['client-certificate-data'], user['client-certificate']),
      key: material(user['client-key-data'], user['client-key']),
      rejectUnauthorized: cluster['insecure-skip-tls-verify'] ? false : undefined,
      servername: cluster['tls-server-name'],
    }),
    async authHeaders(): Promise<Record<string, string>> {
      if (user.token !== undefined) return { authorization: `Bearer ${user.token}` };
      if (tokenFile !== undefined) return { authorization: `Bearer ${await readToken(tokenFile)}` };
      if (user.username !== undefined) return { authorization: basic(`${user.username}:${user.password ?? ''}`) };
      return {};
    },
  };
}

function inCluster(env: NodeJS.ProcessEnv, serviceAccountDir: string): ClusterAccess {
  const host = env.KUBERNETES_SERVICE_HOST!;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  // Projected tokens are rotated by the kubelet: read on every request.
  const tokenFile = path.join(serviceAccountDir, 'token');
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    tls: { ca: fs.readFileSync(path.join(serviceAccountDir, 'ca.crt')) },
    async authHeaders() {
      return { authorization: `Bearer ${await readToken(tokenFile)}` };
    },
  };
}

async function readToken(file: string): Promise<string> {
  return (await fs.promises.readFile(file, 'utf8')).trim();
}

function basic(credentials: string): string {
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
