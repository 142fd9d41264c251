import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionEnvFile, connectionFor, exportLines, readConnections, writeConnections } from './connection.ts';

describe('connectionFor', () => {
  let emptyCache: string;
  let previous: string | undefined;

  beforeEach(() => {
    previous = process.env.RECALL_ENV_CACHE;
    emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-env-'));
    process.env.RECALL_ENV_CACHE = emptyCache;
  });

  afterEach(() => {
    if (previous === undefined) delete process.env.RECALL_ENV_CACHE;
    else process.env.RECALL_ENV_CACHE = previous;
    fs.rmSync(emptyCache, { recursive: true, force: true });
  });

  it('fails, naming the component and the command that starts it, when it is not running', async () => {
    await expect(connectionFor('postgres')).rejects.toThrow(
      /PostgreSQL \(postgres\) is not running .*Start it with: npm run env:up/,
    );
  });
});

describe('the connection file', () => {
  let cache: string;
  let previous: string | undefined;

  beforeEach(() => {
    previous = process.env.RECALL_ENV_CACHE;
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-env-'));
    process.env.RECALL_ENV_CACHE = cache;
  });

  afterEach(() => {
    if (previous === undefined) delete process.env.RECALL_ENV_CACHE;
    else process.env.RECALL_ENV_CACHE = previous;
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it('writes shell-safe export lines in one section per component', () => {
    const text = exportLines({ postgres: { PGPASSWORD: "it's $secret", PGPORT: '5432' } });
    expect(text).toBe("# component: postgres\nexport PGPASSWORD='it'\\''s $secret'\nexport PGPORT=5432\n");
  });

  it('reads back exactly what it wrote, and a shell sourcing it agrees', () => {
    const record = {
      postgres: { PGPASSWORD: "it's $secret `x`", PGPORT: '5432' },
      kafka: { KAFKA_BROKERS: '127.0.0.1:9092' },
    };
    writeConnections(record);
    expect(readConnections()).toEqual(record);
    const sourced = execFileSync('bash', ['-c', `. "$1" && printf %s "$PGPASSWORD"`, 'bash', connectionEnvFile()], {
      encoding: 'utf8',
    });
    expect(sourced).toBe("it's $secret `x`");
  });
});
