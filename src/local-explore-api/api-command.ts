/**
 * `recall api --data FILE [--port N] [--dataset ID] [--host H]`: serves a JSONL file of records as
 * a local RappelConso API (Explore v2.1 records endpoint) until interrupted.
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { untilStopped } from '../cli/until-stopped.ts';
import type { Command } from '../cli/command.ts';
import { createLogger } from '../logging/logger.ts';
import { parseDataset } from '../../contract/pipeline-defaults.ts';
import { EXPLORE_PATH } from '../source/explore-limits.ts';
import { startRecallApi } from './recall-api.ts';

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port="${value}": expected a port number from 0 (any free port) to 65535`);
  }
  return port;
}

export const apiCommand: Command = {
  name: 'api',
  usage: `usage: recall api --data FILE [--port N] [--host H] [--dataset ID]
  --data FILE     JSON Lines, one API record per line
  --port N        0 or unset: any free port (printed)
  --host H        default 127.0.0.1
  --dataset ID    rappelconso0 (default) or rappelconso-v2-gtin-espaces
`,

  async run(argv) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        dataset: { type: 'string' },
      },
      strict: true,
    });
    if (values.data === undefined) throw new Error('--data is required: a JSONL file of records in the API shape');
    const logger = createLogger('local-explore-api');
    const api = await startRecallApi({
      dataFile: values.data,
      port: parsePort(values.port),
      host: values.host,
      dataset: parseDataset(values.dataset),
    });
    logger.info({ url: api.url, dataset: api.dataset, records: api.recordCount }, 'serving');
    process.stdout.write(
      `${api.url}\n  ${api.recordCount} records at ${api.url}${EXPLORE_PATH}/catalog/datasets/${api.dataset}/records\n`,
    );
    await untilStopped(async (signal) => {
      await once(signal, 'abort');
      await api.close();
    });
    return 0;
  },
};
