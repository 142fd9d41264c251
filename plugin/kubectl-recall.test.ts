import { beforeAll, describe, expect, it } from 'vitest';
import { main } from './kubectl-recall.ts';
import type { PluginIo } from './plugin-command.ts';

const COMMANDS = ['status', 'run', 'logs', 'psql', 'airflow'];

/** Streams that keep what is written; these runs never reach a cluster. */
function fakeIo() {
  const written = { stdout: '', stderr: '' };
  const sink = (name: keyof typeof written) => ({
    write: (text: string) => {
      written[name] += text;
      return true;
    },
  });
  const io = { stdin: process.stdin, stdout: sink('stdout'), stderr: sink('stderr') } as unknown as PluginIo;
  return { io, written };
}

describe('kubectl recall', () => {
  // The subcommands load the Kubernetes client and the charts: seconds on a busy machine, paid
  // here once rather than inside the first test's time limit.
  beforeAll(async () => {
    await Promise.all(COMMANDS.map((name) => import(`./${name}-command.ts`)));
  }, 120_000);

  it('lists every command and kubectl’s global flags', async () => {
    const { io, written } = fakeIo();
    expect(await main(['help'], io)).toBe(0);
    for (const name of COMMANDS) expect(written.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(written.stdout).toMatch(/^ {2}-n, --namespace NS /m);
    expect(written.stdout).toContain('kubectl recall <command> --help');
  });

  it('prints the usage and exits 2 when called with nothing, 0 with --help', async () => {
    expect(await main([], fakeIo().io)).toBe(2);
    expect(await main(['--help'], fakeIo().io)).toBe(0);
  });

  it.each(COMMANDS.map((name) => [name, name]))(
    '%s --help, help %s and -h print its usage and run nothing',
    async (name) => {
      for (const argv of [
        [name, '--help'],
        ['help', name],
        ['-n', 'x', name, 'pipeline', '-h'],
      ]) {
        const { io, written } = fakeIo();
        expect(await main(argv, io)).toBe(0);
        expect(written.stdout).toMatch(new RegExp(`^usage: kubectl recall ${name} NAME`));
        expect(written.stdout).toContain('--namespace');
      }
    },
  );

  it('refuses an unknown command, and a wrong command line, with the usage and exit code 2', async () => {
    const unknown = fakeIo();
    expect(await main(['describe', 'x'], unknown.io)).toBe(2);
    expect(unknown.written.stderr).toMatch(/^error: unknown command "describe" for "kubectl recall"\n/);

    const noName = fakeIo();
    expect(await main(['status'], noName.io)).toBe(2);
    expect(noName.written.stderr).toMatch(
      /^error: status: the RecallPipeline's NAME is missing\n\nusage: kubectl recall status/,
    );

    const badTimeout = fakeIo();
    expect(await main(['run', 'x', '--wait', '--timeout', 'soon'], badTimeout.io)).toBe(2);
    expect(badTimeout.written.stderr).toMatch(/^error: run: --timeout soon is not a duration/);
  });
});
