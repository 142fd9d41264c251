/** Runs a command-line tool the way the tests drive kubectl and helm: output collected, never thrown. */
import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Resolves with the exit code and the output, whatever the command exits with. */
export function commandResult(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // Decoded by the stream: a character whose bytes straddle two chunks (août) stays whole.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    // The command may exit before reading its input (it needed none, or refused a flag): its exit
    // code and stderr say what happened, so a broken pipe here is not a second error.
    child.stdin.once('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
