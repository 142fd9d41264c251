/**
 * `recall migrate [--table T]`: applies the pending migrations for a recall table (the consumer
 * does the same when it starts) and says which ran. Safe to run again or beside other runners.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Command } from '../cli/command.ts';
import { connectionUsage } from '../cli/connection-flags.ts';
import { postgresSettings } from '../config/connection-settings.ts';
import { DEFAULT_TABLE } from '../pipeline-defaults.ts';
import { migrate } from './migrate.ts';
import { tableName } from './table-name.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations for a recall table (--table, default the original name)',
  usage: `usage: recall migrate [--table T]
  --table T    the recall table (default ${DEFAULT_TABLE})
${connectionUsage({ kafka: false })}`,

  async run(argv, env) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        table: { type: 'string', default: DEFAULT_TABLE },
        host: { type: 'string' },
        port: { type: 'string' },
        user: { type: 'string' },
        database: { type: 'string' },
      },
      strict: true,
    });
    const table = tableName(values.table);
    const client = new pg.Client(postgresSettings(env, values));
    await client.connect();
    try {
      const { applied, alreadyApplied } = await migrate(client, table);
      for (const name of applied) process.stdout.write(`applied  ${name}\n`);
      process.stdout.write(
        `${applied.length} applied, ${alreadyApplied.length} already applied, for table ${table.name}\n`,
      );
      return 0;
    } finally {
      await client.end();
    }
  },
};
