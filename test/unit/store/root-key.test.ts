import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KEYRING_FILE } from '../../../src-node/store/file-store';
import { LMDB_FILE } from '../../../src-node/store/lmdb-store';
import { loadOrCreateRootKey, newRootKeyFor, ROOT_KEY_FILE } from '../../../src-node/store/root-key';
import { StoreError } from '../../../src-node/store/store-error';
import { tempKeyringFolder } from './temp-keyrings';

const tempDir = async () => tempKeyringFolder('kmsw-rootkey-').dir;

function isStoreError(code: StoreError['code'], message: RegExp) {
  return (e: unknown) => e instanceof StoreError && e.code === code && message.test(e.message);
}

describe('root key', () => {
  it('takes KMSW_ROOT_KEY when set, and writes no file', async () => {
    const dir = await tempDir();
    const key = randomBytes(32);
    const loaded = await loadOrCreateRootKey({ dir, env: { KMSW_ROOT_KEY: key.toString('base64') } });
    assert.deepEqual(Buffer.from(loaded), key);
    await assert.rejects(stat(join(dir, ROOT_KEY_FILE)), { code: 'ENOENT' });
  });

  for (const [label, value] of [
    ['too short', randomBytes(16).toString('base64')],
    ['not base64', 'x'.repeat(44)],
    ['empty', ''],
  ]) {
    it(`refuses a KMSW_ROOT_KEY that is ${label}`, async () => {
      await assert.rejects(loadOrCreateRootKey({ dir: await tempDir(), env: { KMSW_ROOT_KEY: value } }), isStoreError('bad-root-key', /^KMSW_ROOT_KEY must be the base64 encoding of exactly 32 bytes.*openssl rand -base64 32/));
    });
  }

  it('creates root.key with mode 0600 in a 0700 folder, and reads the same key next time', async () => {
    const dir = join(await tempDir(), 'data');
    const created = await loadOrCreateRootKey({ dir, env: {} });
    assert.equal(created.length, 32);
    assert.equal((await stat(join(dir, ROOT_KEY_FILE))).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.deepEqual(await loadOrCreateRootKey({ dir, env: {} }), created);
  });

  it('gives every process starting together the same key', async () => {
    const dir = await tempDir();
    const keys = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateRootKey({ dir, env: {} })));
    for (const key of keys) assert.deepEqual(key, keys[0]);
  });

  it('refuses a root.key that others can read, and says how to fix it', async () => {
    const dir = await tempDir();
    await loadOrCreateRootKey({ dir, env: {} });
    const path = join(dir, ROOT_KEY_FILE);
    await chmod(path, 0o644);
    await assert.rejects(loadOrCreateRootKey({ dir, env: {} }), isStoreError('insecure-root-key', /can be read by other users \(mode 644\)\. Run `chmod 600 .*root\.key`/));
  });

  it('refuses a root.key that does not hold a key, and leaves it alone', async () => {
    const dir = await tempDir();
    const path = join(dir, ROOT_KEY_FILE);
    await writeFile(path, 'hello\n', { mode: 0o600 });
    await assert.rejects(loadOrCreateRootKey({ dir, env: {} }), isStoreError('bad-root-key', /root\.key must be the base64 encoding of exactly 32 bytes/));
    assert.equal(await readFile(path, 'utf8'), 'hello\n');
  });

  for (const file of [LMDB_FILE, KEYRING_FILE]) {
    it(`refuses to mint a new root key beside an existing keyring (${file}), and says which file is missing`, async () => {
      const dir = await tempDir();
      await writeFile(join(dir, file), 'KMSW-KEYRING…');
      const missing = isStoreError('missing-root-key', new RegExp(`root key of the keyring ${join(dir, file)} is missing: ${join(dir, ROOT_KEY_FILE)} does not exist.*KMSW_ROOT_KEY`));
      await assert.rejects(loadOrCreateRootKey({ dir, env: {} }), missing);
      // The extension keeps its root key in SecretStorage and mints it itself: the same refusal.
      assert.throws(() => newRootKeyFor(dir), missing);
      await assert.rejects(stat(join(dir, ROOT_KEY_FILE)), { code: 'ENOENT' });
    });
  }
});
