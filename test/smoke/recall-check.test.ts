import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { versions } from '../../contract/versions.ts';
import { connectionFor } from '../infra/connection.ts';

const execFileAsync = promisify(execFile);

describe('recall check (the CLI against the real components)', () => {
  it('reaches PostgreSQL, Kafka and Kubernetes through the standard variables', async () => {
    const env = {
      ...process.env,
      ...(await connectionFor('postgres')),
      ...(await connectionFor('kafka')),
      ...(await connectionFor('kubernetes')),
    };
    const { stdout } = await execFileAsync(process.execPath, ['bin/recall.ts', 'check'], { env });
    expect(stdout).toMatch(new RegExp(`^ok {4}postgres: PostgreSQL ${versions.postgresMajor}\\.`, 'm'));
    expect(stdout).toMatch(/^ok {4}kafka: Kafka cluster \S+ with 1 broker\(s\)/m);
    expect(stdout).toMatch(
      new RegExp(`^ok {4}kubernetes: Kubernetes v${versions.kubernetes.replaceAll('.', '\\.')}\\b`, 'm'),
    );
  });

  it('merges a KUBECONFIG that lists several files, the first current-context winning', async () => {
    const kubernetes = await connectionFor('kubernetes');
    const other = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recall-kubeconfig-')), 'other.yaml');
    fs.writeFileSync(
      other,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: elsewhere, cluster: { server: "https://127.0.0.1:1" } }]',
        'users: [{ name: nobody, user: { token: unused } }]',
        'contexts: [{ name: elsewhere, context: { cluster: elsewhere, user: nobody } }]',
        'current-context: elsewhere',
      ].join('\n'),
    );
    const env = { ...process.env, KUBECONFIG: `${kubernetes.KUBECONFIG}${path.delimiter}${other}` };
    const { stdout } = await execFileAsync(process.execPath, ['bin/recall.ts', 'check', '--only', 'kubernetes'], {
      env,
    });
    expect(stdout).toMatch(/^ok {4}kubernetes: Kubernetes v\S+ at https:\/\/127\.0\.0\.1:(?!1\b)\d+/m);
    fs.rmSync(path.dirname(other), { recursive: true });
  });

  it('fails with the setting and its value when one is malformed', async () => {
    const env = { ...process.env, KAFKA_BROKERS: 'no-port-here' };
    const failure = await execFileAsync(process.execPath, ['bin/recall.ts', 'check', '--only', 'kafka'], {
      env,
    }).catch((error: unknown) => error as { code: number; stdout: string });
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stdout: string }).stdout).toContain('KAFKA_BROKERS.0="no-port-here": expected host:port');
  });
});
