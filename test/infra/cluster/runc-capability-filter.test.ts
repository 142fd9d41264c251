/**
 * The OCI runtime wrapper, run as dockerd runs it, in front of a stand-in runc that records what
 * it was handed: it drops exactly the capabilities this machine's bounding set lacks, from the
 * bundle's config.json on create and from the process file on exec, and passes every argument on.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const wrapper = path.join(import.meta.dirname, 'runc-capability-filter.py');
const every = ['CAP_CHOWN', 'CAP_NET_ADMIN', 'CAP_SYS_ADMIN', 'CAP_SYS_RESOURCE', 'CAP_BPF'];
/** Bit numbers of the capabilities above, to read them in the bounding set. */
const bits: Record<string, number> = {
  CAP_CHOWN: 0,
  CAP_NET_ADMIN: 12,
  CAP_SYS_ADMIN: 21,
  CAP_SYS_RESOURCE: 24,
  CAP_BPF: 39,
};

function heldHere(): string[] {
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]!;
  const bounding = BigInt(`0x${hex}`);
  return every.filter((name) => (bounding >> BigInt(bits[name]!)) & 1n);
}

const processWithCaps = () => ({
  args: ['sh'],
  capabilities: { bounding: every, effective: every, permitted: every, inheritable: every, ambient: every },
});

describe('runc-capability-filter.py', () => {
  let dir: string;
  let fakeRunc: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-runc-filter-'));
    fakeRunc = path.join(dir, 'runc');
    // Records its arguments, as the real runc would receive them.
    fs.writeFileSync(fakeRunc, `#!/bin/sh\nprintf '%s\\n' "$@" > ${dir}/args\n`, { mode: 0o755 });
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const runWrapper = (args: string[]): string[] => {
    execFileSync(wrapper, args, { env: { ...process.env, RECALL_RUNC: fakeRunc } });
    return fs.readFileSync(path.join(dir, 'args'), 'utf8').trimEnd().split('\n');
  };

  it('on create, keeps in config.json only the capabilities the bounding set holds, past runc global options', () => {
    const bundle = path.join(dir, 'bundle');
    fs.mkdirSync(bundle);
    fs.writeFileSync(
      path.join(bundle, 'config.json'),
      JSON.stringify({ ociVersion: '1.0.2', process: processWithCaps() }),
    );
    const args = ['--root', '/run/runc', '--log', `${dir}/log.json`, 'create', '--bundle', bundle, 'id1'];

    expect(runWrapper(args)).toEqual(args);
    const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')) as {
      process: ReturnType<typeof processWithCaps>;
    };
    for (const set of Object.values(spec.process.capabilities)) expect(set).toEqual(heldHere());
  });

  it('on exec, filters the --process file the same way', () => {
    const processFile = path.join(dir, 'process.json');
    fs.writeFileSync(processFile, JSON.stringify(processWithCaps()));
    runWrapper(['--root', '/run/runc', 'exec', '--process', processFile, '--detach', 'id1']);
    const process = JSON.parse(fs.readFileSync(processFile, 'utf8')) as ReturnType<typeof processWithCaps>;
    expect(process.capabilities.effective).toEqual(heldHere());
  });

  it('hands any other command to runc untouched', () => {
    expect(runWrapper(['--root', '/run/runc', 'state', 'id1'])).toEqual(['--root', '/run/runc', 'state', 'id1']);
  });
});
