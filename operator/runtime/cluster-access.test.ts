import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadClusterAccess } from './cluster-access.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-access-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, cluster: object, user: object): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    yaml.dump({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'here',
      contexts: [{ name: 'here', context: { cluster: 'c', user: 'u' } }],
      clusters: [{ name: 'c', cluster }],
      users: [{ name: 'u', user }],
    }),
  );
  return file;
}

describe('loadClusterAccess', () => {
  it('reads certificates from files relative to the kubeconfig and from inline data', async () => {
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'CA');
    fs.writeFileSync(path.join(dir, 'client.key'), 'KEY');
    const file = kubeconfig(
      'certs.yaml',
      { server: 'https://127.0.0.1:6443/', 'certificate-authority': 'ca.crt', 'tls-server-name': 'kubernetes' },
      { 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key': 'client.key' },
    );
    const access = await loadClusterAccess(file);
    expect(access.server).toBe('https://127.0.0.1:6443');
    expect(access.tls).toEqual({
      ca: Buffer.from('CA'),
      cert: Buffer.from('CERT'),
      key: Buffer.from('KEY'),
      servername: 'kubernetes',
    });
    expect(await access.authHeaders()).toEqual({});
  });

  it('sends a token, re-reading a token file on every request', async () => {
    expect(
      await (
        await loadClusterAccess(kubeconfig('token.yaml', { server: 'https://k' }, { token: 'abc' }))
      ).authHeaders(),
    ).toEqual({ authorization: 'Bearer abc' });

    fs.writeFileSync(path.join(dir, 'token'), 'first\n');
    const access = await loadClusterAccess(
      kubeconfig('token-file.yaml', { server: 'https://k' }, { tokenFile: 'token' }),
    );
    expect(await access.authHeaders()).toEqual({ authorization: 'Bearer first' });
    fs.writeFileSync(path.join(dir, 'token'), 'rotated\n');
    expect(await access.authHeaders()).toEqual({ authorization: 'Bearer rotated' });
  });

  it('sends basic credentials and honours insecure-skip-tls-verify', async () => {
    const file = kubeconfig(
      'basic.yaml',
      { server: 'https://k', 'insecure-skip-tls-verify': true },
      { username: 'admin', password: 's3cret' },
    );
    const access = await loadClusterAccess(file);
    expect(access.tls).toEqual({ rejectUnauthorized: false });
    expect(await access.authHeaders()).toEqual({
      authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}`,
    });
  });

  it('hands exec credential plugins to client-node, which runs them', async () => {
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-plugin' },
    });
    const file = kubeconfig(
      'exec.yaml',
      { server: 'https://k' },
      { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'sh', args: ['-c', `echo '${credential}'`] } },
    );
    const access = await loadClusterAccess(file);
    expect(access.server).toBe('https://k');
    expect(await access.authHeaders()).toMatchObject({ Authorization: 'Bearer from-plugin' });
  });

  it('names the field and the value of a kubeconfig it cannot use', async () => {
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, yaml.dump({ 'current-context': 'nowhere', contexts: [], clusters: [] }));
    await expect(loadClusterAccess(broken)).rejects.toThrow(
      `kubeconfig="${broken}": current-context="nowhere" names no context`,
    );
    const noServer = kubeconfig('no-server.yaml', {}, {});
    await expect(loadClusterAccess(noServer)).rejects.toThrow(`kubeconfig="${noServer}": clusters.0.cluster.server:`);
    await expect(loadClusterAccess(path.join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml": cannot be read/);
    const groups = kubeconfig('groups.yaml', { server: 'https://k' }, { token: 't', as: 'jane', 'as-groups': ['ops'] });
    await expect(loadClusterAccess(groups)).rejects.toThrow(
      `kubeconfig="${groups}": user "u" sets as-groups, which the operator does not support`,
    );
  });
});
