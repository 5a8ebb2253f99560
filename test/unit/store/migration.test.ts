import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chainKey } from '../../../src-core/audit/chain';
import { openFileAuditSink } from '../../../src-node/audit/file-audit-sink';
import { openLocalKms } from '../../../src-node/host';
import { KEYRING_FILE, openFileKeyringStore } from '../../../src-node/store/file-store';
import { isMovedMarker } from '../../../src-node/store/keyring-file';
import { openKeyringStore } from '../../../src-node/store/keyring-store';
import { LMDB_FILE } from '../../../src-node/store/lmdb-store';
import { StoreError } from '../../../src-node/store/store-error';
import { b64, createTestKms, type WireOutput } from '../kms/harness';
import { externalKey, parameters, wrapWithNode } from '../kms/import-support';
import { runFixture } from './processes';
import { tempKeyringFolder } from './temp-keyrings';

const tempDir = async () => tempKeyringFolder('kmsw-migrate-').dir;
const newRootKey = () => new Uint8Array(randomBytes(32));
const backups = async (dir: string) => (await readdir(dir)).filter((name) => name.startsWith(`${KEYRING_FILE}.`) && name.endsWith('.bak'));

/** A folder as an earlier version left it: the single-file keyring and its audit log, written through the engine. */
async function legacyFolder(dir: string, rootKey: Uint8Array) {
  const store = await openFileKeyringStore({ dir, rootKey });
  const audit = await openFileAuditSink({ dir, chainKey: chainKey(rootKey) });
  const kms = createTestKms({ store, audit, start: Date.now() });
  const keys = [];
  for (let i = 0; i < 5; i++) keys.push((await kms.call('CreateKey', { Description: `key ${i}` })).KeyMetadata.KeyId as string);
  const [main] = keys;
  await kms.call('CreateAlias', { AliasName: 'alias/main', TargetKeyId: main });
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }] });
  await kms.call('PutKeyPolicy', { KeyId: main, PolicyName: 'default', Policy: policy });
  const grant = await kms.call('CreateGrant', { KeyId: main, GranteePrincipal: 'arn:aws:iam::123456789012:role/app', Operations: ['Decrypt'] });
  const before = (await kms.call('Encrypt', { KeyId: main, Plaintext: b64('sealed before') })).CiphertextBlob as string;
  await kms.call('RotateKeyOnDemand', { KeyId: main });
  const imported = await externalKey(kms);
  const p = await parameters(kms, imported, 'RSAES_OAEP_SHA_256');
  const material = randomBytes(32);
  await kms.call('ImportKeyMaterial', {
    KeyId: imported,
    ImportToken: p.token,
    EncryptedKeyMaterial: wrapWithNode(p.publicKey, 'RSAES_OAEP_SHA_256', material).toString('base64'),
    ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
  });
  const importedCiphertext = (await kms.call('Encrypt', { KeyId: imported, Plaintext: b64('imported') })).CiphertextBlob as string;
  const rotations = await kms.call('ListKeyRotations', { KeyId: main });
  await store.close();
  await audit.close();
  return { keys: [...keys, imported], main, imported, grantId: grant.GrantId as string, policy, before, importedCiphertext, rotations };
}

describe('migration of a single-file keyring', () => {
  it('moves keys, aliases, grants, policies, rotations and imported material into the database, keeps a backup, and the audit chain goes on', async () => {
    const dir = await tempDir();
    const rootKey = newRootKey();
    const legacy = await legacyFolder(dir, rootKey);
    const original = await readFile(join(dir, KEYRING_FILE));
    const local = await openLocalKms({ dataDir: dir, rootKey });
    try {
      const call = async (operation: string, body: Record<string, unknown>) => (await local.service.call(operation, body, local.defaultCaller())).output as WireOutput;
      assert.ok(existsSync(join(dir, LMDB_FILE)));
      assert.ok(isMovedMarker(await readFile(join(dir, KEYRING_FILE))), 'the old file\'s place holds the marker older versions refuse');
      const [backup] = await backups(dir);
      assert.deepEqual(await readFile(join(dir, backup)), original, 'the old file is kept byte for byte');
      assert.deepEqual((await call('ListKeys', {})).Keys.map((k: { KeyId: string }) => k.KeyId), legacy.keys, 'every key, in creation order');
      assert.deepEqual((await call('ListAliases', { KeyId: legacy.main })).Aliases.map((a: { AliasName: string }) => a.AliasName), ['alias/main']);
      assert.equal((await call('GetKeyPolicy', { KeyId: legacy.main, PolicyName: 'default' })).Policy, legacy.policy);
      assert.deepEqual((await call('ListGrants', { KeyId: legacy.main })).Grants.map((g: { GrantId: string }) => g.GrantId), [legacy.grantId]);
      assert.deepEqual(await call('ListKeyRotations', { KeyId: legacy.main }), legacy.rotations);
      assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: legacy.before })).Plaintext, 'base64').toString(), 'sealed before');
      assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: legacy.importedCiphertext })).Plaintext, 'base64').toString(), 'imported');
      await call('CreateKey', { Description: 'after the migration' });
    } finally {
      await local.close();
    }
    const reopened = await openKeyringStore({ dir, rootKey });
    const anchor = (await reopened.read()).auditAnchor;
    await reopened.close();
    assert.ok(anchor, 'the keyring still anchors the audit log');
    const sink = await openFileAuditSink({ dir, chainKey: chainKey(rootKey) });
    const verdict = await sink.verify(anchor);
    await sink.close();
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
    // Opened again, nothing is migrated twice.
    assert.equal((await backups(dir)).length, 1);
  });

  it('migrates once when two processes open the folder together, and both see the migrated keyring', async () => {
    const dir = await tempDir();
    const rootKey = newRootKey();
    const legacy = await legacyFolder(dir, rootKey);
    const opener = () => {
      const { child, exited } = runFixture(new URL('./fixtures/open-keyring.ts', import.meta.url), [dir, Buffer.from(rootKey).toString('base64')]);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk));
      return exited.then(() => out.trim().split('\n'));
    };
    const [first, second] = await Promise.all([opener(), opener()]);
    assert.deepEqual(first, legacy.keys);
    assert.deepEqual(second, legacy.keys);
    assert.equal((await backups(dir)).length, 1);
    assert.deepEqual(await opener(), legacy.keys, 'a later process sees the migrated keyring');
  });

  it('leaves a marker the single-file store refuses: an older version still running on the folder fails loudly instead of starting an empty keyring', async () => {
    const dir = await tempDir();
    const rootKey = newRootKey();
    const legacy = await legacyFolder(dir, rootKey);
    // The single-file store reads the file as every earlier version did; here it is open on the folder before the migration, as a running older extension would be.
    const older = await openFileKeyringStore({ dir, rootKey });
    assert.equal(Object.keys((await older.read()).regions['123456789012/us-east-1'].keys).length, legacy.keys.length);
    const migrated = await openKeyringStore({ dir, rootKey });
    await migrated.close();
    const newer = (e: unknown) => e instanceof StoreError && e.code === 'newer-format' && /keyring\.kmsw was written by a newer KMS Workbench .*Upgrade KMS Workbench/.test(e.message);
    await assert.rejects(older.read(), newer);
    await assert.rejects(older.transact(() => undefined), newer);
    await older.close();
    await assert.rejects(openFileKeyringStore({ dir, rootKey }).then((store) => store.read()), newer, 'an older version started afterwards refuses the folder too');
    assert.ok(isMovedMarker(await readFile(join(dir, KEYRING_FILE))), 'nothing replaced the marker');
    const reopened = await openKeyringStore({ dir, rootKey });
    assert.equal(reopened.index(await reopened.read()).keyCount('123456789012', 'us-east-1'), legacy.keys.length, 'the marker is not migrated again');
    await reopened.close();
    assert.equal((await backups(dir)).length, 1);
  });

  it('stops at a keyring file it cannot read, and leaves it as it was', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, KEYRING_FILE), 'not a keyring');
    await assert.rejects(openKeyringStore({ dir, rootKey: newRootKey() }), (e: unknown) => e instanceof StoreError && e.code === 'foreign-file');
    assert.equal(await readFile(join(dir, KEYRING_FILE), 'utf8'), 'not a keyring');
    assert.deepEqual(await backups(dir), []);
    assert.equal(existsSync(join(dir, LMDB_FILE)), false);
  });

  it('refuses a root key other than the file\'s, migrating nothing', async () => {
    const dir = await tempDir();
    await legacyFolder(dir, newRootKey());
    await assert.rejects(openKeyringStore({ dir, rootKey: newRootKey() }), (e: unknown) => e instanceof StoreError && e.code === 'wrong-root-key');
    assert.ok(existsSync(join(dir, KEYRING_FILE)));
    assert.equal(existsSync(join(dir, LMDB_FILE)), false, 'no database under the wrong key');
  });
});
