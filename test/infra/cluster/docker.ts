/**
 * A Docker engine for the kind cluster. Where one already answers (a laptop's Docker Desktop, a
 * CI runner's dockerd) it is used as it is and never stopped. Otherwise Debian's dockerd is
 * started here and stopped again by `stop`. Its data root stays the default, outside the clone,
 * so the images built for the cluster survive a fresh clone on the same machine.
 *
 * A kind node is a `--privileged` container, and `--privileged` asks runc for every capability.
 * Where this machine's capability bounding set lacks some (these VMs lack CAP_SYS_RESOURCE),
 * runc fails; dockerd then runs containers through runc-capability-filter.py, which drops the
 * capabilities nothing here could hold. The bounding set is read, never assumed.
 */
import fs from 'node:fs';
import path from 'node:path';

import { runDir, type Component, type ComponentStatus, type EnvContext } from '../component.ts';
import { onPath, run, runningPid, startDaemon, stopDaemon, untilDaemon } from '../process.ts';
import { docker } from './docker-cli.ts';

const name = 'docker';
const RUNTIME = 'recall-runc';
const wrapper = path.join(import.meta.dirname, 'runc-capability-filter.py');

/** Capabilities --privileged asks for: CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40). */
const LAST_CAPABILITY = 40;

/** True when this process's capability bounding set lacks one that --privileged asks for. */
export function boundingSetIsNarrow(): boolean {
  const line = fs.readFileSync('/proc/self/status', 'utf8').match(/^CapBnd:\s*([0-9a-f]+)$/m)?.[1];
  if (line === undefined) return false;
  const bounding = BigInt(`0x${line}`);
  const wanted = (1n << BigInt(LAST_CAPABILITY + 1)) - 1n;
  return (bounding & wanted) !== wanted;
}

async function engineAnswers(): Promise<boolean> {
  return run(docker(), ['version', '--format', '{{.Server.Version}}']).then(
    () => true,
    () => false,
  );
}

function dockerdArgs(dir: string): string[] {
  const args = ['--pidfile', path.join(dir, 'dockerd.pid.by-dockerd'), '--exec-root', path.join(dir, 'exec')];
  if (boundingSetIsNarrow()) args.push('--add-runtime', `${RUNTIME}=${wrapper}`, '--default-runtime', RUNTIME);
  return args;
}

export const dockerEngine: Component = {
  name,

  provision(): Promise<void> {
    if (!onPath('docker')) {
      return Promise.reject(
        new Error('docker: the docker client is not on PATH: apt-get install docker.io (or install Docker)'),
      );
    }
    return Promise.resolve();
  },

  async start(ctx: EnvContext): Promise<Record<string, string>> {
    const dir = runDir(ctx, name);
    if (runningPid(dir, 'dockerd') !== undefined || (await engineAnswers())) return {};
    if (!onPath('dockerd')) {
      throw new Error('docker: no Docker engine answers and dockerd is not installed: apt-get install docker.io');
    }
    startDaemon({ name: 'dockerd', dir, command: 'dockerd', args: dockerdArgs(dir) });
    await untilDaemon({ dir, name: 'dockerd' }, engineAnswers, 'dockerd to answer', {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    return {};
  },

  /** Stops the dockerd this environment started, with every container it runs; a foreign engine is left alone. */
  async stop(ctx: EnvContext): Promise<void> {
    await stopDaemon(runDir(ctx, name), 'dockerd', 30_000);
  },

  async status(ctx: EnvContext): Promise<ComponentStatus> {
    const pid = runningPid(runDir(ctx, name), 'dockerd');
    if (pid !== undefined) {
      const runtime = boundingSetIsNarrow() ? `, runtime ${RUNTIME}` : '';
      return { running: true, detail: `dockerd pid ${pid}${runtime}` };
    }
    if (await engineAnswers()) return { running: true, detail: 'an engine this environment did not start' };
    return { running: false, detail: 'no Docker engine answers' };
  },
};
