/**
 * `recall migrate [--table T] [--restore]`: applies the pending migrations for a recall table (the
 * consumer does the same when it starts) and says which ran. Safe to run again or beside other
 * runners. A table dropped behind an applied migration is an error naming both; --restore creates
 * it again.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Command } from '../cli/command.ts';
import { connectionUsage } from '../cli/connection-flags.ts';
import { postgresSettings } from '../config/connection-settings.ts';
import { DEFAULT_TABLE } from '../../contract/pipeline-defaults.ts';
import { migrate } from './migrate.ts';
import { tableName } from './table-name.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  usage: `usage: recall migrate [--table T] [--restore]
  --table T    the recall table (default ${DEFAULT_TABLE})
  --restore    create again a table that is gone though its migration is recorded as applied
${connectionUsage({ kafka: false })}`,

  async run(argv, env) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        table: { type: 'string', default: DEFAULT_TABLE },
        restore: { type: 'boolean', default: false },
        host: { type: 'string' },
        port: { type: 'string' },
        user: { type: 'string' },
        database: { type: 'string' },
      },
      strict: true,
    });
    const { table: tableFlag, restore, ...connection } = values;
    const table = tableName(tableFlag);
    const client = new pg.Client(postgresSettings(env, connection));
    await client.connect();
    try {
      const { applied, alreadyApplied, restored } = await migrate(client, table, { restore });
      for (const name of restored) {
        process.stdout.write(
          `restored ${name}, empty: a consumer group that stored rows in it has committed past them; ` +
            'reload them with `recall consume --from-beginning`\n',
        );
      }
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
