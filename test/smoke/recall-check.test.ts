import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
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
    const { stdout } = await execFileAsync(process.execPath, ['src/cli/recall.ts', 'check'], { env });
    expect(stdout).toMatch(/^ok {4}postgres: PostgreSQL 15\./m);
    expect(stdout).toMatch(/^ok {4}kafka: Kafka cluster \S+ with 1 broker\(s\)/m);
    expect(stdout).toMatch(/^ok {4}kubernetes: Kubernetes v1\.34\./m);
  });

  it('fails with the setting and its value when one is malformed', async () => {
    const env = { ...process.env, KAFKA_BROKERS: 'no-port-here' };
    const failure = await execFileAsync(process.execPath, ['src/cli/recall.ts', 'check', '--only', 'kafka'], {
      env,
    }).catch((error: unknown) => error as { code: number; stdout: string });
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stdout: string }).stdout).toContain('KAFKA_BROKERS.0="no-port-here": expected host:port');
  });
});
