import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LMDB_FILE, openLmdbKeyringStore } from '../../../src-node/store/lmdb-store';
import { StoreError } from '../../../src-node/store/store-error';
import { createTestKms } from '../kms/harness';
import { runFixture } from './processes';
import { tempKeyringFolder } from './temp-keyrings';

const tempDir = async () => tempKeyringFolder('kmsw-lmdb-').dir;
const newRootKey = () => new Uint8Array(randomBytes(32));

/** Runs the writer; with `killAfter`, SIGKILLs it once it has acknowledged that many keys. Resolves to the acknowledged key IDs. */
async function writer(dir: string, rootKey: Uint8Array, count: number, killAfter?: number): Promise<string[]> {
  const { child, exited } = runFixture(new URL('./fixtures/lmdb-writer.ts', import.meta.url), [dir, String(count), Buffer.from(rootKey).toString('base64')]);
  const acknowledged: string[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop()!;
    acknowledged.push(...lines);
    if (killAfter !== undefined && acknowledged.length >= killAfter) child.kill('SIGKILL');
  });
  assert.equal(await exited, killAfter === undefined ? null : 'SIGKILL');
  return acknowledged;
}

/** Every key the index lists can be described, and the index's count matches: the records and indexes agree. */
async function assertConsistent(dir: string, rootKey: Uint8Array, expected: string[]): Promise<string[]> {
  // The killed writer's lock is taken over once stale: shortened so the test need not wait 20 s.
  const store = openLmdbKeyringStore({ dir, rootKey, lockStaleMs: 2_000 });
  const kms = createTestKms({ store });
  const listed: string[] = [];
  let marker: string | undefined;
  do {
    const page = await kms.call('ListKeys', { Limit: 1000, ...(marker ? { Marker: marker } : {}) });
    listed.push(...page.Keys.map((k: { KeyId: string }) => k.KeyId));
    marker = page.NextMarker;
  } while (marker);
  for (const keyId of expected) assert.ok(listed.includes(keyId), `acknowledged key ${keyId} is in the keyring`);
  for (const keyId of listed) assert.equal((await kms.call('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyId, keyId);
  // The keyring still takes writes.
  await kms.call('CreateKey', {});
  await store.close();
  return listed;
}

describe('LMDB keyring store', () => {
  it('seals key material and metadata at rest and refuses another root key', async () => {
    const dir = await tempDir();
    const rootKey = newRootKey();
    const store = openLmdbKeyringStore({ dir, rootKey });
    const kms = createTestKms({ store });
    const { KeyMetadata } = await kms.call('CreateKey', { Description: 'a description nobody may read', Tags: [{ TagKey: 'team', TagValue: 'blue-team-tag' }] });
    const material = (await store.read()).regions[`${KeyMetadata.AWSAccountId}/us-east-1`].keys[KeyMetadata.KeyId].materials[0].secret!;
    await store.close();
    const bytes = await readFile(join(dir, LMDB_FILE));
    for (const secret of ['a description nobody may read', 'blue-team-tag', material, Buffer.from(material, 'base64').toString('latin1')]) {
      assert.equal(bytes.includes(Buffer.from(secret, 'latin1')), false, 'a secret or metadata value is readable in the database');
    }
    assert.throws(() => openLmdbKeyringStore({ dir, rootKey: newRootKey() }), (e: unknown) => e instanceof StoreError && e.code === 'wrong-root-key');
    const again = openLmdbKeyringStore({ dir, rootKey });
    assert.equal((await createTestKms({ store: again }).call('DescribeKey', { KeyId: KeyMetadata.KeyId })).KeyMetadata.Description, 'a description nobody may read');
    await again.close();
  });

  it('loses nothing when two processes write to one folder at the same time', async () => {
    const dir = await tempDir();
    const rootKey = newRootKey();
    const [a, b] = await Promise.all([writer(dir, rootKey, 25), writer(dir, rootKey, 25)]);
    assert.equal(new Set([...a, ...b]).size, 50);
    const listed = await assertConsistent(dir, rootKey, [...a, ...b]);
    assert.equal(listed.length, 50);
  });

  it('keeps every acknowledged write and a consistent keyring when the writer is SIGKILLed mid-stream', async () => {
    const dir = await tempDir();
    const rootKey = newRootKey();
    const acknowledged = await writer(dir, rootKey, 0, 30);
    await assertConsistent(dir, rootKey, acknowledged);
  });
});
