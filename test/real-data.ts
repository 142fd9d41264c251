/**
 * Where the real RappelConso data lives: `../shared/data` beside the checkout (read-only; tests copy
 * what they change), or RECALL_DATA_DIR. A missing folder is an error, never a skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const REAL_DATA_DIR = path.resolve(process.env.RECALL_DATA_DIR ?? path.join(repoRoot, '..', 'shared', 'data'));

if (!fs.existsSync(path.join(REAL_DATA_DIR, 'rappelconso0', 'records.jsonl'))) {
  throw new Error(
    `the real RappelConso data is not at ${REAL_DATA_DIR} (expected ../shared/data beside the checkout); ` +
      'set RECALL_DATA_DIR to its folder',
  );
}

/** 8,810 real records of `rappelconso0`, in the API's record shape. */
export const RAPPELCONSO0_RECORDS = path.join(REAL_DATA_DIR, 'rappelconso0', 'records.jsonl');
/** Line for line, the row the original pipeline wrote for each record. */
export const RAPPELCONSO0_EXPECTED_ROWS = path.join(REAL_DATA_DIR, 'rappelconso0', 'expected-rows.jsonl');
/** 19 real records of `rappelconso-v2-gtin-espaces`, wrapped as `{ lastUpdate, recalls }`. */
export const RAPPELCONSO_V2_SAMPLE = path.join(REAL_DATA_DIR, 'rappelconso-v2', 'sample-19.json');
