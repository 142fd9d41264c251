import fs from 'node:fs';
import { validateRecord } from './src/source/validate-record.ts';
import { rappelconso0Source } from './src/source/rappelconso0-source.ts';
import { parseRecallMessage } from './src/consumer/parse-recall-message.ts';
import { recallMessage } from './src/records/recall-message.ts';
import { toRecallRow } from './src/sink/to-recall-row.ts';
import { latestPerReference } from './src/sink/latest-per-reference.ts';
import { rowValues } from './src/postgres/recall-upsert.ts';
import { copyText } from './src/postgres/copy-text.ts';
const text = fs.readFileSync('../shared/data/rappelconso0/records.jsonl', 'utf8');
const lines = text.split('\n').filter(Boolean);
const t = (label: string, f: () => unknown) => { const s = performance.now(); const r = f(); console.log(label.padEnd(28), (performance.now() - s).toFixed(0), 'ms'); return r as any; };
for (let round = 0; round < 2; round++) {
  console.log('-- round', round);
  const raws = t('JSON.parse records', () => lines.map((l) => JSON.parse(l)));
  t('validateRecord', () => raws.map((r: any) => validateRecord(rappelconso0Source, r)));
  const jsons = t('JSON.stringify raw', () => raws.map((r: any) => JSON.stringify(r)));
  const origin = { dataset: 'rappelconso0' as const, fetchedAt: new Date().toISOString() };
  const msgs = t('recallMessage', () => raws.map((r: any, i: number) => recallMessage(r.reference_fiche, origin, jsons[i])));
  const kafkaMsgs = msgs.map((m: any) => ({ key: Buffer.from(m.key), value: Buffer.from(m.value), headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, Buffer.from(String(v))])) }));
  const parsed = t('parseRecallMessage', () => kafkaMsgs.map((m: any) => parseRecallMessage(m)));
  const valid = parsed.filter((p: any) => p.ok).map((p: any) => p.message);
  const rows = t('latest+toRecallRow', () => latestPerReference(valid).map(toRecallRow));
  t('copy text', () => rows.map((row: any) => `${rowValues(row).map(copyText).join('\t')}\n`));
}
