/**
 * CPU time the local Kafka broker and PostgreSQL spend, read from /proc (Linux): every process in
 * the daemon's process group, with the children it reaped (PostgreSQL's finished backends). Beside
 * the recall process's own CPU time, it shows how much of a run the machine's cores can overlap.
 */
import fs from 'node:fs';
import { runDir } from '../test/infra/component.ts';
import { envContext } from '../test/infra/context.ts';
import { runningPid } from '../test/infra/process.ts';

const TICKS_PER_SECOND = 100;

/** utime + stime + cutime + cstime, in ms, of every process whose process group is `group`. */
function groupCpuMs(group: number): number {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command name, which may hold spaces: state is field 3, pgrp 5, utime 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== group) continue;
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** CPU ms so far of each running daemon among `names` (a daemon leads its own process group). */
export function daemonCpuMs(names: readonly string[]): Map<string, number> {
  const ctx = envContext();
  const totals = new Map<string, number>();
  for (const name of names) {
    const pid = runningPid(runDir(ctx, name), name);
    if (pid === undefined) throw new Error(`${name} is not running: its CPU time cannot be read`);
    totals.set(name, groupCpuMs(pid));
  }
  return totals;
}
