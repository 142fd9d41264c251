/**
 * vitest globalSetup of the end-to-end tier: one kind cluster for every end-to-end file of a run
 * (`npm run kind:up`, which builds what is missing). A cluster that was already up stays up; one
 * created here is deleted at the end unless RECALL_ENV_KEEP=1.
 *
 * When the cluster cannot be brought up, the error is handed to the tests, which fail with it:
 * a missing component fails, it never skips, and the other tiers still report.
 */
import type { TestProject } from 'vitest/node';
import { envContext } from '../infra/context.ts';
import { clusterExists, kindDown, kindUp } from '../infra/cluster/kind-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the kind cluster could not be brought up; empty when it runs. */
    kindUpError: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ctx = envContext();
  let existed = false;
  try {
    existed = await clusterExists(ctx);
    await kindUp(ctx);
    project.provide('kindUpError', '');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.log(`e2e globalSetup: the kind cluster could not be brought up: ${message}`);
    project.provide('kindUpError', message);
  }
  return async () => {
    if (!existed && process.env.RECALL_ENV_KEEP !== '1') await kindDown(ctx);
  };
}
