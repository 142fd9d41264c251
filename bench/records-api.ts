/**
 * `node bench/records-api.ts FILE`: the local API (src/api-server/recall-api.ts) over a JSONL file
 * read line by line, for files `recall api --data` cannot read: it reads the file into one string,
 * and V8 strings stop at 2^29 - 24 characters (about 512 MiB), under 30 copies of the real records.
 * Prints the URL, as `recall api` does, and serves until SIGTERM or SIGINT.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import readline from 'node:readline';
import { startRecallApi } from '../src/api-server/recall-api.ts';
import type { RawRecord } from '../src/source/dataset-source.ts';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: node bench/records-api.ts FILE');
const records: RawRecord[] = [];
for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
  if (line.trim() !== '') records.push(JSON.parse(line) as RawRecord);
}
const api = await startRecallApi({ records, port: 0 });
process.stdout.write(`${api.url}\n  ${api.recordCount} records\n`);
await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
await api.close();
