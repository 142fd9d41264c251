import { describe, expect, it } from 'vitest';
import { pipelineObject } from './pipeline-objects.test-fixture.ts';
import { exitCodeOf, psqlCommandLine } from './psql-command.ts';
import { resolvePipeline } from './read-pipeline.ts';

describe('kubectl recall psql', () => {
  it('runs psql as the managed database’s owner, in the pipeline’s database, with the user’s arguments last', () => {
    const { ctx } = resolvePipeline(pipelineObject({ spec: { postgres: { database: 'recalls_db' } } }));
    expect(psqlCommandLine(ctx, ['-c', 'select count(*) from rappel_conso_table'])).toEqual([
      'psql',
      '--username=recall',
      '--dbname=recalls_db',
      '-c',
      'select count(*) from rappel_conso_table',
    ]);
  });

  it('exits as psql did, read from the Status the exec ends with', () => {
    expect(exitCodeOf({ status: 'Success' })).toBe(0);
    expect(
      exitCodeOf({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      }),
    ).toBe(3);
    // A failure without an exit code (the command could not start) is still a failure.
    expect(exitCodeOf({ status: 'Failure', message: 'executable file not found' })).toBe(1);
    expect(exitCodeOf(undefined)).toBeUndefined();
  });
});
