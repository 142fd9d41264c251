/**
 * The scenario's data and the table check, on the real rappelconso0 files: no cluster needed, so
 * this file runs with the unit tests (vitest.config.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ORIGINAL_COLUMNS } from '../../src/transform/recall-row.ts';
import type { OriginalRowValues } from '../original-rows.ts';
import { RAPPELCONSO0_EXPECTED_ROWS, RAPPELCONSO0_RECORDS } from '../real-data.ts';
import { loadScenarioData, originalColumnsQuery, parseOriginalColumns, scenarioData } from './scenario-data.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-scenario-data-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const realLines = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

/** A file of some of the real expected rows, in the order given. */
function expectedFile(name: string, lines: readonly string[]): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** What psql prints for originalColumnsQuery over a table holding `rows`: one row_to_json a line. */
function psqlOutput(rows: Iterable<OriginalRowValues>): string {
  return [...rows]
    .map((row) => JSON.stringify(Object.fromEntries(ORIGINAL_COLUMNS.map((column) => [column, row[column]]))))
    .join('\n')
    .concat('\n');
}

describe('the default scenario: the shared rappelconso0 data', () => {
  it('loads 8,810 records, 8,803 references, and a table of 8,803 rows', () => {
    expect(scenarioData.dataFile).toBe(RAPPELCONSO0_RECORDS);
    expect(scenarioData.expectedFiles).toEqual([RAPPELCONSO0_EXPECTED_ROWS]);
    expect(scenarioData.recordCount).toBe(8810);
    expect(scenarioData.recordReferences).toBe(8803);
    expect(scenarioData.expectedTableRows).toBe(8803);
  });

  it('keeps, for a reference two sheets share, the later sheet: the original pipeline’s last write', () => {
    const shared = realLines(RAPPELCONSO0_EXPECTED_ROWS)
      .map((line) => JSON.parse(line) as OriginalRowValues)
      .filter((row) => row.reference_fiche === 'A12/00030/22');
    expect(shared).toHaveLength(2);
    expect(scenarioData.expectedRowPerReference.get('A12/00030/22')).toEqual(shared[1]);
  });

  it('finds no difference in a table holding exactly the expected rows, as psql prints it', () => {
    const rows = parseOriginalColumns(psqlOutput(scenarioData.expectedRowPerReference.values()));
    expect(rows).toHaveLength(8803);
    expect(scenarioData.differencesFrom(rows)).toEqual([]);
  });
});

describe('differences from the expected rows', () => {
  const expected = scenarioData.expectedRowPerReference;
  const table = (): Record<string, unknown>[] => parseOriginalColumns(psqlOutput(expected.values()));
  const [first, second, third] = [...expected.keys()];

  it('names the reference, the column, the expected and the actual value', () => {
    const rows = table();
    const changed = rows[0]!;
    changed.motif_du_rappel = `${String(changed.motif_du_rappel)}!`;
    const withoutContact = rows.find((row) => row.numero_de_contact === null)!;
    withoutContact.numero_de_contact = '';
    const typed = rows.find((row) => row !== changed && row !== withoutContact)!;
    typed.date_de_publication = 2018;
    const differences = scenarioData.differencesFrom(rows);
    expect(differences).toHaveLength(3);
    expect(differences).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${first!} motif_du_rappel: expected …?".*", actual …?".*!"$`)),
        `${String(withoutContact.reference_fiche)} numero_de_contact: expected null, actual ""`,
        `${String(typed.reference_fiche)} date_de_publication: expected ${JSON.stringify(
          expected.get(String(typed.reference_fiche))!.date_de_publication,
        )}, actual 2018 (a number, not text)`,
      ]),
    );
  });

  it('tells a missing row, a row nobody expects, a repeated row and a column the reader lost', () => {
    const rows = table().filter((row) => row.reference_fiche !== first);
    const repeated = rows.find((row) => row.reference_fiche === second)!;
    rows.push({ ...repeated });
    rows.push({ ...repeated, reference_fiche: 'NOT-A-REFERENCE' });
    delete rows.find((row) => row.reference_fiche === third)!.distributeurs;
    expect(scenarioData.differencesFrom(rows).sort()).toEqual(
      [
        `${first!}: no row in the table`,
        `${second!}: more than one row`,
        'NOT-A-REFERENCE: a row no expected file has',
        `${third!} distributeurs: expected ${JSON.stringify(expected.get(third!)!.distributeurs)}, actual (no such column)`,
      ].sort(),
    );
  });

  it('shows a long value around where it first differs', () => {
    const rows = table();
    const long = rows.find(
      (row) => typeof row.informations_complementaires === 'string' && row.informations_complementaires.length > 1000,
    )!;
    const text = long.informations_complementaires as string;
    long.informations_complementaires = `${text.slice(0, 900)}#${text.slice(901)}`;
    const [difference] = scenarioData.differencesFrom(rows);
    expect(difference!.length).toBeLessThan(400);
    expect(difference).toContain('#');
    expect(difference).toMatch(/expected …".*"…, actual …".*#.*"…$/);
  });

  it('lists at most `limit` differences, then the total', () => {
    const rows = table().slice(30);
    const differences = scenarioData.differencesFrom(rows, 5);
    expect(differences).toHaveLength(6);
    expect(differences.at(-1)).toBe('… 30 differences in all, the first 5 shown');
  });
});

describe('scenarios given their own files', () => {
  const records = realLines(RAPPELCONSO0_RECORDS);
  const expectedLines = realLines(RAPPELCONSO0_EXPECTED_ROWS);

  it('count the records and references of the data file', () => {
    const data = expectedFile('records.jsonl', records.slice(0, 100));
    const scenario = loadScenarioData({ data, expected: [RAPPELCONSO0_EXPECTED_ROWS] });
    expect(scenario.recordCount).toBe(100);
    expect(scenario.recordReferences).toBe(
      new Set(
        records
          .slice(0, 100)
          .map((line) => JSON.parse(line) as { reference_fiche: string })
          .map((record) => record.reference_fiche),
      ).size,
    );
  });

  it('expect, over several expected files, every reference once, a later file winning', () => {
    const sharedLines = expectedLines.filter((line) => line.includes('"A12/00030/22"'));
    expect(sharedLines).toHaveLength(2);
    const [earlier, later] = sharedLines as [string, string];
    const base = expectedFile('base.jsonl', [...expectedLines.slice(0, 50), later]);
    const revision = expectedFile('revision.jsonl', [...expectedLines.slice(40, 60), earlier]);
    const scenario = loadScenarioData({ data: RAPPELCONSO0_RECORDS, expected: [base, revision] });
    const references = new Set(
      [...expectedLines.slice(0, 60), later].map((line) => (JSON.parse(line) as OriginalRowValues).reference_fiche),
    );
    expect(scenario.expectedTableRows).toBe(references.size);
    expect(scenario.expectedRowPerReference.get('A12/00030/22')).toEqual(JSON.parse(earlier));
  });
});

describe('reading the table with psql', () => {
  it('selects the 25 original columns, in order, as one JSON object per row', () => {
    expect(originalColumnsQuery('rappel_conso_table')).toBe(
      `SELECT row_to_json(original) FROM (SELECT ${ORIGINAL_COLUMNS.join(', ')} FROM "rappel_conso_table") original ORDER BY original.reference_fiche`,
    );
  });

  it('reads psql’s lines back, and refuses output that psql’s table layout made', () => {
    expect(parseOriginalColumns('{"reference_fiche":"a","distributeurs":null}\n\n')).toEqual([
      { reference_fiche: 'a', distributeurs: null },
    ]);
    expect(() => parseOriginalColumns(' row_to_json\n-----\n')).toThrow(/line 1 of psql's output is not JSON/);
    expect(() => parseOriginalColumns('[1]\n')).toThrow(/not a row object/);
  });
});
