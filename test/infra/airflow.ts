/**
 * Apache Airflow and its Kubernetes provider from PyPI, in a virtualenv, so the tests parse and run
 * the pipeline's DAG with the real thing. Nothing runs in the background: `airflow dags test` runs
 * a whole DAG run in one process, on a SQLite metadata database in a home each test makes. So this
 * component is "running" once `start` has handed out the virtualenv, until `stop`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { versions } from '../../contract/versions.ts';
import { artifactsDir, runDir, type Component, type EnvContext } from './component.ts';
import { onPath, run } from './process.ts';

const name = 'airflow';

/** Requires-Python of the provider pinned in contract/versions.ts (Airflow itself takes 3.10). */
const MINIMUM_PYTHON = [3, 11] as const;

const requirements = [
  `apache-airflow==${versions.airflow}`,
  `apache-airflow-providers-cncf-kubernetes==${versions.airflowCncfKubernetesProvider}`,
];

export const AIRFLOW_VENV_VARIABLE = 'RECALL_AIRFLOW_VENV';

function artifacts(ctx: EnvContext): string {
  return artifactsDir(ctx, name, versions.airflow);
}

function venv(ctx: EnvContext): string {
  return path.join(artifacts(ctx), 'venv');
}

/** What was installed, so that bumping the provider alone provisions again. */
function completeMarker(ctx: EnvContext): string {
  return path.join(artifacts(ctx), '.complete');
}

function provisioned(ctx: EnvContext): boolean {
  try {
    return fs.readFileSync(completeMarker(ctx), 'utf8') === `${requirements.join('\n')}\n`;
  } catch {
    return false;
  }
}

/** Present while started: the component has no process whose pid could say so. */
function startedMarker(ctx: EnvContext): string {
  return path.join(runDir(ctx, name), 'started');
}

/** Fails naming what to install, before pip fails with something less clear. */
function checkPython(): void {
  const install = 'apt-get install python3 python3-venv';
  if (!onPath('python3')) throw new Error(`Airflow needs python3, which is not on PATH: ${install}`);
  const probe = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2]); import ensurepip'], {
    encoding: 'utf8',
  });
  const version = probe.stdout.trim();
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < MINIMUM_PYTHON[0] || (major === MINIMUM_PYTHON[0] && minor < MINIMUM_PYTHON[1])) {
    throw new Error(`Airflow's Kubernetes provider needs Python ${MINIMUM_PYTHON.join('.')}+, python3 is ${version}`);
  }
  // Debian leaves ensurepip, which `python3 -m venv` needs to put pip in the venv, to python3-venv.
  if (probe.status !== 0) throw new Error(`python3 -m venv needs ensurepip, which is missing: ${install}`);
}

export const airflow: Component = {
  name,

  async provision(ctx) {
    if (provisioned(ctx)) return;
    checkPython();
    const dir = artifacts(ctx);
    ctx.log(`airflow: installing ${requirements.join(', ')} from PyPI into a virtualenv`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const logFile = path.join(dir, 'pip.log');
    await run('python3', ['-m', 'venv', venv(ctx)], { logFile });
    const python = path.join(venv(ctx), 'bin', 'python');
    await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...requirements], {
      logFile,
    });
    // Airflow's own constraints file lives on GitHub, out of reach: what pip resolved is kept instead.
    fs.writeFileSync(path.join(dir, 'pip-freeze.txt'), await run(python, ['-m', 'pip', 'freeze']));
    fs.writeFileSync(completeMarker(ctx), `${requirements.join('\n')}\n`);
  },

  async start(ctx) {
    await airflow.provision(ctx);
    fs.mkdirSync(runDir(ctx, name), { recursive: true });
    fs.writeFileSync(startedMarker(ctx), `${venv(ctx)}\n`);
    return { [AIRFLOW_VENV_VARIABLE]: venv(ctx) };
  },

  stop(ctx) {
    fs.rmSync(runDir(ctx, name), { recursive: true, force: true });
    return Promise.resolve();
  },

  status(ctx) {
    if (!provisioned(ctx)) return Promise.resolve({ running: false, detail: 'not provisioned' });
    if (!fs.existsSync(startedMarker(ctx))) return Promise.resolve({ running: false, detail: 'not started' });
    const installed = `Airflow ${versions.airflow} (cncf-kubernetes ${versions.airflowCncfKubernetesProvider})`;
    return Promise.resolve({ running: true, detail: `${installed} in ${venv(ctx)}, no daemon` });
  },
};
