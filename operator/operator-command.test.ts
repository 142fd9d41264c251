import { describe, expect, it } from 'vitest';
import { SettingsError } from '../src/config/settings-error.ts';
import { operatorCommand, watchNamespaces } from './operator-command.ts';

describe('watchNamespaces', () => {
  it('watches every namespace without a --namespace', () => {
    expect(watchNamespaces(undefined)).toBeUndefined();
    expect(watchNamespaces([])).toBeUndefined();
  });

  it('takes --namespace repeated, comma-separated, or both, in order and once each', () => {
    expect(watchNamespaces(['a'])).toEqual(['a']);
    expect(watchNamespaces(['a', 'b'])).toEqual(['a', 'b']);
    expect(watchNamespaces(['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(watchNamespaces(['b, a', 'b'])).toEqual(['b', 'a']);
  });

  it.each([
    ['Upper', 'Upper'],
    ['under_score', 'under_score'],
    ['-dash', '-dash'],
    ['a,', ''],
    ['', ''],
    ['x'.repeat(64), 'x'.repeat(64)],
  ])('refuses %j, naming the flag and the value', (flag, bad) => {
    expect(() => watchNamespaces(['ok', flag])).toThrow(SettingsError);
    expect(() => watchNamespaces(['ok', flag])).toThrow(
      new RegExp(
        `^invalid settings:\\n  --namespace=${JSON.stringify(bad)}: (must be a DNS-1123 label|Too (big|small))`,
      ),
    );
  });

  it('accepts the longest label Kubernetes does', () => {
    expect(watchNamespaces(['a'.repeat(63), 'team-1'])).toEqual(['a'.repeat(63), 'team-1']);
  });
});

describe('recall operator', () => {
  // Each of these is refused before the operator starts: nothing here needs a cluster.
  it('refuses a bad namespace from either spelling of --namespace', async () => {
    await expect(operatorCommand.run(['--namespace', 'a', '--namespace', 'B'], {})).rejects.toThrow(
      '--namespace="B": must be a DNS-1123 label',
    );
    await expect(operatorCommand.run(['--namespace=a,b_c'], {})).rejects.toThrow(
      '--namespace="b_c": must be a DNS-1123 label',
    );
  });

  it('names every other bad flag as typed, with its value', async () => {
    await expect(operatorCommand.run(['--concurrency', '0', '--retry-period', 'soon'], {})).rejects.toThrow(
      'invalid settings:\n  --concurrency="0": expected at least 1\n  --retry-period="soon": expected a number of seconds',
    );
  });

  it('documents --namespace as a list, defaulting to the install’s variable', () => {
    expect(operatorCommand.usage).toMatch(/^ {2}--namespace NS\[,NS\.\.\.\] +.*repeatable/m);
    expect(operatorCommand.usage).toContain('RECALL_WATCH_NAMESPACES, a comma-separated list; empty: all namespaces');
  });

  it('reads the namespaces from RECALL_WATCH_NAMESPACES when no flag is given, naming it when bad', async () => {
    expect(watchNamespaces(['a,b'], 'RECALL_WATCH_NAMESPACES')).toEqual(['a', 'b']);
    await expect(operatorCommand.run([], { RECALL_WATCH_NAMESPACES: 'a,Bad' })).rejects.toThrow(
      'RECALL_WATCH_NAMESPACES="Bad": must be a DNS-1123 label',
    );
  });
});
