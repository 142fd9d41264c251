/** Runs `recall <args>` as a child process, as a Job would, and reports its wall time and peak RSS. */
import { spawn } from 'node:child_process';

/** Preloaded into the child: its peak RSS, as the kernel counted it, on stderr at exit. */
const REPORT_MAX_RSS =
  'data:text/javascript,process.on("exit",()=>process.stderr.write(`max-rss-kib ${process.resourceUsage().maxRSS}\\n`))';

export interface ChildRun {
  wallMs: number;
  stdout: string;
  maxRssMiB: number;
}

export async function runRecallInChild(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', '--import', REPORT_MAX_RSS, 'src/cli/recall.ts', ...args],
    { env: { ...env, RECALL_LOG_LEVEL: 'warn' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`recall ${args[0]} exited with ${code}: ${stderr.slice(-2000)}`);
  const rss = /max-rss-kib (\d+)/.exec(stderr);
  return { wallMs, stdout: stdout.trim(), maxRssMiB: Number(rss?.[1] ?? NaN) / 1024 };
}
