import { describe, expect, it } from 'vitest';
import { asksForHelp, parseCommandLine, splitCommand } from './command-line.ts';
import { UsageError } from './plugin-command.ts';

describe('splitCommand', () => {
  it('finds the subcommand after global flags and their values, as kubectl takes them', () => {
    expect(splitCommand(['-n', 'prod', 'status', 'recalls'])).toEqual({
      command: 'status',
      rest: ['-n', 'prod', 'recalls'],
    });
    expect(splitCommand(['--context', 'kind', '--namespace=x', 'logs', 'recalls', '-f'])).toEqual({
      command: 'logs',
      rest: ['--context', 'kind', '--namespace=x', 'recalls', '-f'],
    });
    expect(splitCommand(['--kubeconfig', 'status'])).toEqual({ command: undefined, rest: ['--kubeconfig', 'status'] });
    expect(splitCommand([])).toEqual({ command: undefined, rest: [] });
  });
});

describe('asksForHelp', () => {
  it('sees --help and -h before --, not psql’s own after it', () => {
    expect(asksForHelp(['recalls', '--help'])).toBe(true);
    expect(asksForHelp(['-h'])).toBe(true);
    expect(asksForHelp(['recalls', '--', '--help'])).toBe(false);
  });
});

describe('parseCommandLine', () => {
  const options = { wait: { type: 'boolean' }, timeout: { type: 'string' } } as const;

  it('reads the NAME, the subcommand’s flags and kubectl’s, in any order and spelling', () => {
    expect(
      parseCommandLine('run', ['--wait', 'recalls', '-n', 'prod', '--timeout=5m', '--context', 'kind'], options),
    ).toEqual({
      target: { namespace: 'prod', context: 'kind' },
      name: 'recalls',
      values: { wait: true, timeout: '5m' },
      passThrough: [],
    });
    expect(parseCommandLine('status', ['recalls', '--namespace=prod', '--kubeconfig', '/k'], {}).target).toEqual({
      namespace: 'prod',
      kubeconfig: '/k',
    });
  });

  it('hands what follows -- to the subcommands that pass it on, and refuses it elsewhere', () => {
    const psql = parseCommandLine(
      'psql',
      ['recalls', '-n', 'p', '--', '-c', 'select 1', '--help'],
      {},
      {
        passThrough: true,
      },
    );
    expect(psql).toMatchObject({
      name: 'recalls',
      target: { namespace: 'p' },
      passThrough: ['-c', 'select 1', '--help'],
    });
    expect(() => parseCommandLine('status', ['recalls', '--', 'x'], {})).toThrow(
      new UsageError('status takes no arguments after --'),
    );
  });

  it('refuses a missing NAME, two NAMEs and unknown flags, in one line naming the subcommand', () => {
    expect(() => parseCommandLine('logs', ['-n', 'prod'], {})).toThrow(
      new UsageError("logs: the RecallPipeline's NAME is missing"),
    );
    expect(() => parseCommandLine('logs', ['a', 'b'], {})).toThrow(new UsageError('logs: one NAME only, got also b'));
    expect(() => parseCommandLine('logs', ['a', '--bogus'], {})).toThrow(UsageError);
    expect(() => parseCommandLine('logs', ['a', '--bogus'], {})).toThrow(/^logs: Unknown option '--bogus'$/);
  });
});
