/** Runs `recall <args>` as a child process, as a Job would, and reports its wall time, CPU time and peak RSS. */
import { spawn } from 'node:child_process';

/**
 * Preloaded into the child (a data: URL, so no `?` or `#` in it): its peak RSS and CPU time, as the kernel counted them, on stderr at
 * exit, and when (ms since the process started) it opened its first outbound connection, wrote its
 * first line to stdout (the summary) and exited. The peak is the process's own high-water mark
 * (VmHWM), not getrusage's maxRSS: Linux carries maxRSS across fork and exec, so a child spawned by
 * a bench holding 300 MiB reports at least about 300 MiB there, whatever it used itself.
 */
const REPORT_USAGE =
  'data:text/javascript,import fs from "node:fs";import net from "node:net";let first=-1,out=-1;const connect=net.Socket.prototype.connect;' +
  'net.Socket.prototype.connect=function(...args){if(first<0)first=performance.now();return connect.apply(this,args)};' +
  'const write=process.stdout.write.bind(process.stdout);process.stdout.write=(...a)=>{if(out<0)out=performance.now();return write(...a)};' +
  'process.on("exit",()=>{const u=process.resourceUsage();' +
  'const hwm=/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync("/proc/self/status","utf8"))[1];' +
  'process.stderr.write(`max-rss-kib ${hwm} cpu-us ${u.userCPUTime+u.systemCPUTime} first-connect-ms ${first} first-output-ms ${out} exit-ms ${performance.now()}\\n`)})';

export interface ChildRun {
  wallMs: number;
  stdout: string;
  maxRssMiB: number;
  /** User and system CPU time of the whole process, start-up included. */
  cpuMs: number;
  /** From the process's start to its first outbound connection (start-up); undefined when it made none. */
  firstConnectMs: number | undefined;
  /** From the process's start to its first line on stdout (a command's summary); undefined without one. */
  firstOutputMs: number | undefined;
  /** Wall time the child's own clock did not see: exec and Node's bootstrap before its timer starts. */
  unseenMs: number;
}

export interface ChildOptions {
  /** Node options before the script, e.g. --max-old-space-size=64. */
  readonly nodeArgs?: readonly string[];
  /** The recall entry point; bin/recall.ts by default (IMAGE_RECALL_ENTRYPOINT for the bundle). */
  readonly entry?: string;
  /** Set on top of the given environment, e.g. the image's (IMAGE_ENV). */
  readonly env?: Readonly<Record<string, string>>;
  /** Where to run it: another checkout, for a before/after pair. */
  readonly cwd?: string;
}

export async function runRecallInChild(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: ChildOptions = {},
): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=TimeoutNegativeWarning',
      ...(options.nodeArgs ?? []),
      '--import',
      REPORT_USAGE,
      options.entry ?? 'bin/recall.ts',
      ...args,
    ],
    {
      env: { ...env, ...options.env, RECALL_LOG_LEVEL: 'warn' },
      ...(options.cwd !== undefined && { cwd: options.cwd }),
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`recall ${args[0]} exited with ${code}: ${stderr.slice(-2000)}`);
  const usage =
    /max-rss-kib (\d+) cpu-us (\d+) first-connect-ms (-?[\d.]+) first-output-ms (-?[\d.]+) exit-ms ([\d.]+)/.exec(
      stderr,
    );
  const moment = (index: number) => {
    const value = Number(usage?.[index] ?? -1);
    return value < 0 ? undefined : value;
  };
  return {
    wallMs,
    stdout: stdout.trim(),
    maxRssMiB: Number(usage?.[1] ?? NaN) / 1024,
    cpuMs: Number(usage?.[2] ?? NaN) / 1000,
    firstConnectMs: moment(3),
    firstOutputMs: moment(4),
    unseenMs: wallMs - Number(usage?.[5] ?? wallMs),
  };
}
