/** Runs `recall <args>` as a child process, as a Job would, and reports its wall time, CPU time and peak RSS. */
import { spawn } from 'node:child_process';

/** Preloaded into the child: its peak RSS and CPU time, as the kernel counted them, on stderr at exit. */
const REPORT_USAGE =
  'data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();' +
  'process.stderr.write(`max-rss-kib ${u.maxRSS} cpu-us ${u.userCPUTime+u.systemCPUTime}\\n`)})';

export interface ChildRun {
  wallMs: number;
  stdout: string;
  maxRssMiB: number;
  /** User and system CPU time of the whole process, start-up included. */
  cpuMs: number;
}

export async function runRecallInChild(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', '--import', REPORT_USAGE, 'src/cli/recall.ts', ...args],
    { env: { ...env, RECALL_LOG_LEVEL: 'warn' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`recall ${args[0]} exited with ${code}: ${stderr.slice(-2000)}`);
  const usage = /max-rss-kib (\d+) cpu-us (\d+)/.exec(stderr);
  return {
    wallMs,
    stdout: stdout.trim(),
    maxRssMiB: Number(usage?.[1] ?? NaN) / 1024,
    cpuMs: Number(usage?.[2] ?? NaN) / 1000,
  };
}
