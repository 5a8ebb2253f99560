/** `kmsw … | head`: a reader that closes the pipe early ends the command quietly, for any command. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kmsw, MAIN } from './serve';

const data = mkdtempSync(join(tmpdir(), 'kmsw-pipe-'));
after(() => rmSync(data, { recursive: true, force: true }));

/** Runs kmsw with its stdout pipe already closed by the reader, as `| head` does once it has its lines. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

test('a closed stdout pipe (EPIPE) ends every kind of command quietly', async () => {
  const created = kmsw(['create-key', '--data', data]);
  assert.equal(created.status, 0, created.stderr);
  for (const args of [['--help'], ['list-keys', '--json', '--data', data], ['audit', 'list', '--data', data]]) {
    const { code, signal, stderr } = await withClosedStdout(args);
    assert.deepEqual({ code, signal, stderr }, { code: 0, signal: null, stderr: '' }, args.join(' '));
  }
});
