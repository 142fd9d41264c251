import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionFor, exportLines } from './connection.ts';

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

describe('exportLines', () => {
  it('writes shell-safe export lines', () => {
    const text = exportLines({ postgres: { PGPASSWORD: "it's $secret", PGPORT: '5432' } });
    expect(text).toBe("export PGPASSWORD='it'\\''s $secret'\nexport PGPORT=5432\n");
  });
});
