#!/usr/bin/env node
/**
 * The kind cluster of the end-to-end tests.
 *
 *   node test/infra/cluster/kind.ts up       build what is missing, create the cluster, install the operator;
 *                                            prints `export KUBECONFIG=...`
 *   node test/infra/cluster/kind.ts down     delete the cluster, stop the Docker engine it started
 *   node test/infra/cluster/kind.ts images   only build (or check) the node image and the product images
 *
 * Progress goes to stderr, so `eval "$(npm run -s kind:up)"` sets KUBECONFIG.
 */
import { envContext } from '../context.ts';
import { dockerEngine } from './docker.ts';
import { kindDown, kindUp } from './kind-cluster.ts';
import { buildNodeImage } from './node-image.ts';
import { buildProductImages } from './product-images.ts';

async function main(command: string | undefined): Promise<number> {
  const ctx = envContext();
  switch (command) {
    case 'up': {
      const cluster = await kindUp(ctx);
      process.stdout.write(`export KUBECONFIG=${cluster.kubeconfig}\n`);
      return 0;
    }
    case 'down':
      await kindDown(ctx);
      return 0;
    case 'images':
      await dockerEngine.start(ctx);
      await buildNodeImage(ctx);
      await buildProductImages(ctx);
      return 0;
    default:
      process.stderr.write('usage: kind.ts up|down|images\n');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
