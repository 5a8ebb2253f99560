/** Other processes for the store and audit tests: TypeScript fixtures run as a second host would run, and a pid that is surely dead. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export interface Fixture {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Resolves with the exit signal (null after a normal exit); rejects with stderr when the exit code is not 0. */
  exited: Promise<NodeJS.Signals | null>;
}

export function runFixture(script: URL, args: string[]): Fixture {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 || signal ? resolve(signal) : reject(new Error(`${fileURLToPath(script)} exited with ${code}: ${stderr}`))));
  });
  return { child, exited };
}

/** The pid of a process that has already exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}
