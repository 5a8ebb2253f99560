import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { AUDIT_LOG_FILE, openFileAuditSink } from '../../../src-node/audit/file-audit-sink';
import { KEYRING_FILE, openFileKeyringStore } from '../../../src-node/store/file-store';
import { runFixture } from './processes';
import { tempKeyringFolder } from './temp-keyrings';

/** Runs the crash worker until it has acknowledged `writes` writes, kills it with SIGKILL, and returns the last acknowledged one. */
async function killAfter(dir: string, rootKey: Uint8Array, writes: number): Promise<number> {
  const { child, exited } = runFixture(new URL('./fixtures/crash-worker.ts', import.meta.url), [dir, Buffer.from(rootKey).toString('base64')]);
  let acknowledged = 0;
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop()!;
    for (const line of lines) acknowledged = Number(line);
    if (acknowledged >= writes) child.kill('SIGKILL');
  });
  assert.equal(await exited, 'SIGKILL');
  return acknowledged;
}

describe('a process killed in the middle of a stream of writes', () => {
  it('leaves every acknowledged write in the keyring, a valid audit chain, and nothing that blocks the next process', async () => {
    const dir = tempKeyringFolder('kmsw-crash-').dir;
    const rootKey = new Uint8Array(randomBytes(32));
    const acknowledged = await killAfter(dir, rootKey, 40);

    const store = await openFileKeyringStore({ dir, rootKey });
    const written = (await store.read()).clockOffsetMs;
    assert.ok(written >= acknowledged, `keyring holds ${written} writes, ${acknowledged} were acknowledged`);
    await store.transact((state) => void (state.clockOffsetMs += 1));
    await store.close();

    const audit = await openFileAuditSink({ dir });
    const verdict = await audit.verify();
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
    const ids = (await audit.read()).map((e) => e.requestID);
    for (let n = 1; n <= acknowledged; n++) assert.ok(ids.includes(`write-${n}`), `audit entry of write ${n}`);
    await audit.append((await audit.read())[0]);
    assert.equal((await audit.verify()).ok, true);

    assert.deepEqual((await readdir(dir)).sort(), [AUDIT_LOG_FILE, `${AUDIT_LOG_FILE}.head`, KEYRING_FILE]);
  });
});
