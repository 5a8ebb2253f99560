import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KmsService } from '../../../src-core/kms/service';
import { openFileKeyringStore, KEYRING_FILE, type FileKeyringStore } from '../../../src-node/store/file-store';
import { StoreError, type StoreErrorCode } from '../../../src-node/store/store-error';
import { allowAll, rootCaller } from '../kms/harness';
import { deadPid, runFixture } from './processes';
import { tempKeyringFolder } from './temp-keyrings';

const tempDir = async () => tempKeyringFolder('kmsw-store-').dir;
const newRootKey = () => new Uint8Array(randomBytes(32));

function serviceOn(store: FileKeyringStore, now = Date.UTC(2026, 0, 1)) {
  return new KmsService({ store, clock: { now: () => now }, random: { bytes: (n) => new Uint8Array(randomBytes(n)) }, authorizer: allowAll });
}

async function call(service: KmsService, operation: string, body: Record<string, unknown> = {}) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (await service.call(operation, body, rootCaller())).output as Record<string, any>;
}

async function rejectsWith(promise: Promise<unknown>, code: StoreErrorCode, message: RegExp) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof StoreError, `expected a StoreError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

function runWorker(dir: string, count: number, rootKey: Uint8Array): Promise<unknown> {
  return runFixture(new URL('./fixtures/increment-worker.ts', import.meta.url), [dir, String(count), Buffer.from(rootKey).toString('base64')]).exited;
}

describe('file keyring store', () => {
  it('keeps keys across a reopen, encrypted at rest', async () => {
    const dir = await tempDir();
    const rootKey = newRootKey();
    const first = await openFileKeyringStore({ dir, rootKey });
    const service = serviceOn(first);
    const { KeyMetadata } = await call(service, 'CreateKey', { Description: 'kept across reopen', Tags: [{ TagKey: 'team', TagValue: 'blue' }] });
    await call(service, 'CreateAlias', { AliasName: 'alias/reopen', TargetKeyId: KeyMetadata.KeyId });
    await first.close();

    const file = await readFile(join(dir, KEYRING_FILE));
    assert.equal(file.includes(Buffer.from(KeyMetadata.KeyId)), false, 'the key id is not readable in the file');
    assert.equal(file.includes(Buffer.from('kept across reopen')), false, 'the description is not readable in the file');

    const second = await openFileKeyringStore({ dir, rootKey });
    const again = serviceOn(second);
    assert.equal((await call(again, 'DescribeKey', { KeyId: 'alias/reopen' })).KeyMetadata.Description, 'kept across reopen');
    assert.deepEqual((await call(again, 'ListResourceTags', { KeyId: KeyMetadata.KeyId })).Tags, [{ TagKey: 'team', TagValue: 'blue' }]);
    assert.deepEqual(await second.read(), JSON.parse(JSON.stringify(await second.read())), 'the state is plain JSON');
    await second.close();
  });

  it('a second store on the same folder sees the first one’s writes', async () => {
    const dir = await tempDir();
    const rootKey = newRootKey();
    const a = await openFileKeyringStore({ dir, rootKey });
    const b = await openFileKeyringStore({ dir, rootKey });
    const { KeyMetadata } = await call(serviceOn(a), 'CreateKey');
    assert.equal((await call(serviceOn(b), 'DescribeKey', { KeyId: KeyMetadata.KeyId })).KeyMetadata.KeyState, 'Enabled');
    await call(serviceOn(b), 'TagResource', { KeyId: KeyMetadata.KeyId, Tags: [{ TagKey: 'by', TagValue: 'b' }] });
    assert.deepEqual((await call(serviceOn(a), 'ListResourceTags', { KeyId: KeyMetadata.KeyId })).Tags, [{ TagKey: 'by', TagValue: 'b' }]);
    await b.transact((state) => void (state.clockOffsetMs = 5));
    await a.transact((state) => void (state.clockOffsetMs += 1));
    assert.equal((await b.read()).clockOffsetMs, 6);
    await a.close();
    await b.close();
  });

  it('two processes doing interleaved transactions lose no update', async () => {
    const dir = await tempDir();
    const rootKey = newRootKey();
    await Promise.all([runWorker(dir, 40, rootKey), runWorker(dir, 40, rootKey)]);
    const store = await openFileKeyringStore({ dir, rootKey });
    assert.equal((await store.read()).clockOffsetMs, 80);
    await store.close();
  });

  it('leaves no temp or lock files behind', async () => {
    const dir = await tempDir();
    const store = await openFileKeyringStore({ dir, rootKey: newRootKey() });
    for (let i = 0; i < 5; i++) await store.transact((state) => void (state.clockOffsetMs = i));
    await store.close();
    assert.deepEqual(await readdir(dir), [KEYRING_FILE]);
  });

  it('persists nothing from a transaction that throws, and forgets its partial change', async () => {
    const dir = await tempDir();
    const store = await openFileKeyringStore({ dir, rootKey: newRootKey() });
    await store.transact((state) => void (state.clockOffsetMs = 1));
    const before = await readFile(join(dir, KEYRING_FILE));
    await assert.rejects(
      store.transact((state) => {
        state.clockOffsetMs = 99;
        throw new Error('handler failed');
      }),
      /handler failed/,
    );
    assert.deepEqual(await readFile(join(dir, KEYRING_FILE)), before);
    assert.equal((await store.read()).clockOffsetMs, 1);
    await store.close();
  });

  it('saves last-use facts marked dirty when it closes', async () => {
    const dir = await tempDir();
    const rootKey = newRootKey();
    const store = await openFileKeyringStore({ dir, rootKey });
    const { KeyMetadata } = await call(serviceOn(store), 'CreateKey');
    // What KmsService does on a successful use: change the key in memory, then mark the store dirty.
    const usage = { at: 1, operation: 'Encrypt', eventId: 'e-1' };
    Object.values((await store.read()).regions)[0].keys[KeyMetadata.KeyId].lastUsage = { Encrypt: usage };
    store.markDirty();
    await store.close();
    const reopened = await openFileKeyringStore({ dir, rootKey });
    const key = Object.values((await reopened.read()).regions)[0].keys[KeyMetadata.KeyId];
    assert.deepEqual(key.lastUsage?.Encrypt, usage);
    await reopened.close();
  });

  it('takes over a lock its holder stopped touching (the holder was killed)', async () => {
    const dir = await tempDir();
    const lock = join(dir, `${KEYRING_FILE}.lock`);
    await mkdir(lock);
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const store = await openFileKeyringStore({ dir, rootKey: newRootKey(), lockStaleMs: 2_000 });
    await store.transact((state) => void (state.clockOffsetMs = 7));
    assert.equal((await store.read()).clockOffsetMs, 7);
    assert.deepEqual(await readdir(dir), [KEYRING_FILE]);
    await store.close();
  });

  it('removes temp files left by a process killed mid-write, and only those', async () => {
    const dir = await tempDir();
    const abandoned = `.${KEYRING_FILE}.${await deadPid()}.0123abcd.tmp`;
    const inProgress = `.${KEYRING_FILE}.${process.pid}.89abcdef.tmp`;
    await writeFile(join(dir, abandoned), 'partial');
    await writeFile(join(dir, inProgress), 'partial');
    const store = await openFileKeyringStore({ dir, rootKey: newRootKey() });
    assert.deepEqual(await readdir(dir), [inProgress]);
    await store.close();
  });

  describe('refuses a file it cannot read and leaves it untouched', () => {
    async function keyringWithOneKey() {
      const dir = await tempDir();
      const rootKey = newRootKey();
      const store = await openFileKeyringStore({ dir, rootKey });
      await call(serviceOn(store), 'CreateKey');
      await store.close();
      return { dir, rootKey, path: join(dir, KEYRING_FILE) };
    }

    async function assertRefused(dir: string, path: string, rootKey: Uint8Array, code: StoreErrorCode, message: RegExp) {
      const bytes = await readFile(path);
      await rejectsWith(openFileKeyringStore({ dir, rootKey }), code, message);
      assert.deepEqual(await readFile(path), bytes);
    }

    it('a damaged file', async () => {
      const { dir, rootKey, path } = await keyringWithOneKey();
      const bytes = await readFile(path);
      bytes[bytes.length - 40] ^= 0x01;
      await writeFile(path, bytes);
      await assertRefused(dir, path, rootKey, 'damaged-file', /is damaged .*left untouched\. Restore it from a backup/);
    });

    it('a truncated file', async () => {
      const { dir, rootKey, path } = await keyringWithOneKey();
      await writeFile(path, (await readFile(path)).subarray(0, 30));
      await assertRefused(dir, path, rootKey, 'damaged-file', /is damaged \(it is truncated\)/);
    });

    it('a foreign file', async () => {
      const dir = await tempDir();
      const path = join(dir, KEYRING_FILE);
      await writeFile(path, '{"keys": []}\n');
      await assertRefused(dir, path, newRootKey(), 'foreign-file', /is not a KMS Workbench keyring\. Move it away or choose another data folder/);
    });

    it('a file from a newer version', async () => {
      const { dir, rootKey, path } = await keyringWithOneKey();
      const bytes = await readFile(path);
      bytes[12] = 2;
      await writeFile(path, bytes);
      await assertRefused(dir, path, rootKey, 'newer-format', /newer KMS Workbench \(keyring format 2/);
    });

    it('the wrong root key', async () => {
      const { dir, path } = await keyringWithOneKey();
      await assertRefused(dir, path, newRootKey(), 'wrong-root-key', /encrypted under a different root key/);
    });

    it('a file damaged while a store has it open: reads and transactions fail, the file stays', async () => {
      const { dir, rootKey, path } = await keyringWithOneKey();
      const store = await openFileKeyringStore({ dir, rootKey });
      await writeFile(path, 'not a keyring');
      await rejectsWith(store.read(), 'foreign-file', /is not a KMS Workbench keyring/);
      await rejectsWith(store.transact((state) => void (state.clockOffsetMs = 1)), 'foreign-file', /is not a KMS Workbench keyring/);
      assert.equal(await readFile(path, 'utf8'), 'not a keyring');
    });
  });
});
