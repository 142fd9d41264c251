/**
 * A private instance of some components, in a scratch cache that shares the provisioned artifacts:
 * for tests and benchmarks that restart or stop what they run, without touching the shared
 * environment the other tests use.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Component, ConnectionEnv, EnvContext } from './component.ts';
import { selectComponents, type ComponentEntry } from './components.ts';
import { cacheDir } from './context.ts';

export interface ScratchEnvironment {
  readonly cacheDir: string;
  /** Connection variables of everything started so far. */
  readonly env: ConnectionEnv;
  context(): EnvContext;
  /** Provisions (a cached no-op) and starts one component; returns its variables. */
  start(entry: ComponentEntry): Promise<ConnectionEnv>;
  /** Stops a started component's server, keeping its data and address (see Component.halt). */
  halt(name: string): Promise<void>;
  /** Starts a halted component again, as it was. */
  resume(name: string): Promise<void>;
  /** Stops every component in reverse order and deletes the scratch cache. */
  dispose(): Promise<void>;
}

export function scratchEnvironment(prefix = 'recall-scratch-'): ScratchEnvironment {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.symlinkSync(path.join(cacheDir(), 'artifacts'), path.join(scratch, 'artifacts'));
  const env: ConnectionEnv = {};
  const started: Component[] = [];
  const context = (): EnvContext => ({ root: process.cwd(), cacheDir: scratch, env: { ...env }, log: () => {} });
  return {
    cacheDir: scratch,
    env,
    context,
    async start(entry) {
      const component = await entry.load();
      await component.provision(context());
      const variables = await component.start(context());
      Object.assign(env, variables);
      if (!started.includes(component)) started.push(component);
      return variables;
    },
    async halt(name) {
      const component = started.find((candidate) => candidate.name === name);
      if (!component?.halt) throw new Error(`${name}: not started here, or it cannot be halted`);
      await component.halt(context());
    },
    async resume(name) {
      const component = started.find((candidate) => candidate.name === name);
      if (!component?.resume) throw new Error(`${name}: not started here, or it cannot be resumed`);
      await component.resume(context());
    },
    async dispose() {
      for (const component of started.reverse()) await component.stop(context());
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Starts the named components (and what they need) in a scratch environment. */
export async function startScratch(names: readonly string[]): Promise<ScratchEnvironment> {
  const scratch = scratchEnvironment();
  try {
    for (const entry of selectComponents(names)) await scratch.start(entry);
  } catch (error) {
    await scratch.dispose();
    throw error;
  }
  return scratch;
}
