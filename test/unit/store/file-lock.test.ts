import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../../../src-node/store/file-lock';
import { StoreError } from '../../../src-node/store/store-error';

describe('file lock', () => {
  it('runs holders one at a time and removes the lock file afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kmsw-lock-'));
    const lock = join(dir, 'x.lock');
    const trace: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        withFileLock(lock, async () => {
          trace.push(`${name}+`);
          await new Promise((resolve) => setTimeout(resolve, 2));
          trace.push(`${name}-`);
        }),
      ),
    );
    for (let i = 0; i < trace.length; i += 2) assert.equal(trace[i].slice(0, 1), trace[i + 1].slice(0, 1), `holders overlapped: ${trace.join(' ')}`);
    assert.deepEqual(await readdir(dir), []);
  });

  it('names a live owner and the way out when it cannot get the lock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kmsw-lock-'));
    const lock = join(dir, 'x.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, at: '2026-01-01T00:00:00.000Z' }));
    await assert.rejects(
      withFileLock(lock, async () => undefined, { timeoutMs: 20 }),
      (e: unknown) => e instanceof StoreError && e.code === 'lock-timeout' && e.message.includes(`held by process ${process.pid} (since 2026-01-01T00:00:00.000Z)`) && e.message.includes('delete that file'),
    );
  });
});
