import { describe, expect, it } from 'vitest';
import { parseRunReport } from '../contract/run-report.ts';
import { withReports } from './run-reports.ts';
import type { LastRun } from './runs.ts';

const run: LastRun = {
  number: 1,
  startTime: '2026-01-01T00:00:00Z',
  recordsProduced: 0,
  recordsLoaded: 0,
  recordsDeadLettered: 0,
};

describe('run reports', () => {
  it('fill the run’s counts: produced, loaded (inserted and updated), dead-lettered on either side', () => {
    expect(
      withReports(run, {
        produce: { step: 'produce', sent: 100, deadLettered: 2 },
        consume: { step: 'consume', inserted: 90, updated: 5, deadLettered: 1, tableRows: 400 },
      }),
    ).toEqual({ ...run, recordsProduced: 100, recordsLoaded: 95, recordsDeadLettered: 3 });
    expect(withReports(run, {})).toEqual(run);
    // The producer's pod gone by the end: its dead letters, recorded as the consumer started, stay.
    const consuming = withReports(run, { produce: { step: 'produce', sent: 100, deadLettered: 2 } });
    expect(
      withReports(consuming, {
        consume: { step: 'consume', inserted: 90, updated: 5, deadLettered: 1, tableRows: 400 },
      }),
    ).toEqual({ ...run, recordsProduced: 100, recordsLoaded: 95, recordsDeadLettered: 3 });
  });

  it('are read only from a termination message that is one, not from a failed run’s log tail', () => {
    expect(parseRunReport('{"step":"produce","sent":3,"deadLettered":0}\n')).toEqual({
      step: 'produce',
      sent: 3,
      deadLettered: 0,
    });
    expect(parseRunReport('{"level":50,"msg":"connect ECONNREFUSED"}')).toBeUndefined();
    expect(parseRunReport('Error: connect ECONNREFUSED 10.0.0.1:9092')).toBeUndefined();
    expect(parseRunReport('{"step":"consume","inserted":-1}')).toBeUndefined();
    expect(parseRunReport(undefined)).toBeUndefined();
  });
});
