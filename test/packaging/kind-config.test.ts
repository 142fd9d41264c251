/**
 * The cluster the README creates, and the end-to-end tier runs (test/e2e), checked statically: it
 * runs the Kubernetes minor version the project builds and tests against, and the cluster tier
 * names it as the README does.
 */
import fs from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { versions } from '../../contract/versions.ts';
import { CLUSTER_NAME } from '../infra/cluster/kind-cluster.ts';

interface KindCluster {
  kind: string;
  apiVersion: string;
  name: string;
  nodes: Array<{ role: string; image?: string }>;
}

const cluster = yaml.load(fs.readFileSync('kind-config.yaml', 'utf8')) as KindCluster;
const minor = versions.kubernetes.split('.').slice(0, 2).join('.');

describe('kind-config.yaml', () => {
  it('is a kind Cluster named as the README says', () => {
    expect(cluster).toMatchObject({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', name: 'recall' });
    expect(fs.readFileSync('README.md', 'utf8')).toContain('--name recall');
    expect(CLUSTER_NAME).toBe(cluster.name);
  });

  it(`runs every node on a Kubernetes ${minor} node image`, () => {
    expect(cluster.nodes.map((node) => node.role).sort()).toEqual(['control-plane', 'worker']);
    for (const node of cluster.nodes)
      expect(node.image).toMatch(new RegExp(`^kindest/node:v${minor.replace('.', '\\.')}\\.\\d+$`));
  });
});
