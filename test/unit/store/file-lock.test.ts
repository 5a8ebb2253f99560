import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from '../../../src-node/store/file-lock';
import { StoreError } from '../../../src-node/store/store-error';
import { openFileKeyringStore } from '../../../src-node/store/file-store';
import { runFixture } from './processes';
import { tempKeyringFolder } from './temp-keyrings';

describe('file lock', () => {
  it('runs holders one at a time and removes the lock afterwards', async () => {
    const dir = tempKeyringFolder('kmsw-lock-').dir;
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

  it('waits for a fresh lock of another holder, then says what to do', async () => {
    const dir = tempKeyringFolder('kmsw-lock-').dir;
    const lock = join(dir, 'x.lock');
    await mkdir(lock);
    await assert.rejects(
      withFileLock(lock, async () => undefined, { timeoutMs: 20 }),
      (e: unknown) => e instanceof StoreError && e.code === 'lock-timeout' && e.message.includes('held by another process') && e.message.includes('delete that folder'),
    );
  });

  it('takes over a lock nobody has touched for longer than it may be held (its holder stopped, on any machine)', async () => {
    const dir = tempKeyringFolder('kmsw-lock-').dir;
    const lock = join(dir, 'x.lock');
    await mkdir(lock);
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    assert.equal(await withFileLock(lock, async () => 'mine', { staleMs: 2_000 }), 'mine');
  });

  it('refuses to let a holder whose lock was taken over commit', async () => {
    const dir = tempKeyringFolder('kmsw-lock-').dir;
    const lock = join(dir, 'x.lock');
    await assert.rejects(
      withFileLock(
        lock,
        async (held) => {
          // Another process judged this holder dead and took the lock (its mtime is no longer ours).
          const old = new Date(Date.now() - 60_000);
          await utimes(lock, old, old);
          await withFileLock(lock, async () => undefined, { staleMs: 2_000 });
          await mkdir(lock);
          await new Promise((resolve) => setTimeout(resolve, 1_200));
          held.assertHeld();
        },
        { staleMs: 2_000 },
      ),
      (e: unknown) => e instanceof StoreError && e.code === 'lock-lost',
    );
  });
});

describe('three processes sharing a keyring, one killed mid-transaction', () => {
  it('lose no acknowledged update and never hold the lock twice', async () => {
    const dir = tempKeyringFolder('kmsw-contend-').dir;
    const rootKey = Buffer.from(randomBytes(32)).toString('base64');
    const trace = join(dir, 'trace.txt');
    const COUNT = 15;
    const workers = [undefined, undefined, '5'].map((killAt) => {
      const fixture = runFixture(new URL('./fixtures/contend-worker.ts', import.meta.url), [dir, String(COUNT), rootKey, trace, ...(killAt ? [killAt] : [])]);
      let acknowledged = 0;
      fixture.child.stdout.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) if (line) acknowledged = Number(line);
      });
      return { fixture, acknowledged: () => acknowledged };
    });
    const signals = await Promise.all(workers.map((w) => w.fixture.exited));
    assert.deepEqual(signals, [null, null, 'SIGKILL']);
    const killedAcks = workers[2].acknowledged();
    assert.equal(killedAcks, 4, 'the killed worker acknowledged the transactions before the one it died in');

    const store = await openFileKeyringStore({ dir, rootKey: new Uint8Array(Buffer.from(rootKey, 'base64')) });
    assert.equal((await store.read()).clockOffsetMs, 2 * COUNT + killedAcks, 'every acknowledged increment is in the keyring, the killed one is not');
    await store.close();

    // Holders alternate strictly: enter A, exit A, enter B, … except the killed holder's last enter.
    const lines = (await readFile(trace, 'utf8')).trim().split('\n');
    let holder: string | undefined;
    let takenOver = 0;
    for (const line of lines) {
      const [what, id] = line.split(' ');
      if (what === 'enter') {
        if (holder !== undefined) {
          assert.equal(holder, String(workers[2].fixture.child.pid), `${id} entered while ${holder} held the lock`);
          takenOver++;
        }
        holder = id;
      } else {
        assert.equal(id, holder, `${id} left a lock it did not hold`);
        holder = undefined;
      }
    }
    // Taken over once, when another worker still had work after the kill; when the killed worker was the
    // last to want the lock, nobody needed to take it over.
    const killedLast = lines.at(-1) === `enter ${workers[2].fixture.child.pid}`;
    assert.equal(takenOver, killedLast ? 0 : 1, 'the killed holder\'s lock was taken over once');
  });
});
