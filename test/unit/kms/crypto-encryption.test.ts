import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthorizationRequest } from '../../../src-core/kms/operation-context';
import { ACCOUNT, allowAll, b64, createTestKms, rootCaller, text, type TestKms } from './harness';

async function symmetricKey(kms: TestKms, body: Record<string, unknown> = {}): Promise<string> {
  return (await kms.call('CreateKey', body)).KeyMetadata.KeyId as string;
}

function flipByte(blob: string, index: number): string {
  const bytes = Buffer.from(blob, 'base64');
  bytes[index < 0 ? bytes.length + index : index] ^= 0x01;
  return bytes.toString('base64');
}

/** Records every authorization request so tests can check actions and condition keys. */
function recordAuthorizations(kms: TestKms): AuthorizationRequest[] {
  const seen: AuthorizationRequest[] = [];
  kms.authorizer.current = { authorize: (r) => (seen.push(r), allowAll.authorize(r)) };
  return seen;
}

test('Encrypt then Decrypt without KeyId returns the plaintext, the key ARN and the material ID', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const encrypted = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('hello KMS') });
  const arn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`;
  assert.equal(encrypted.KeyId, arn);
  assert.equal(encrypted.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  const decrypted = await kms.call('Decrypt', { CiphertextBlob: encrypted.CiphertextBlob });
  assert.equal(text(decrypted.Plaintext), 'hello KMS');
  assert.equal(decrypted.KeyId, arn);
  assert.equal(decrypted.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  const described = await kms.call('DescribeKey', { KeyId: keyId });
  assert.equal(decrypted.KeyMaterialId, described.KeyMetadata.CurrentKeyMaterialId);
  // Same plaintext twice gives different blobs (fresh IV), both decrypting.
  const again = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('hello KMS') });
  assert.notEqual(again.CiphertextBlob, encrypted.CiphertextBlob);
});

test('Decrypt with the right KeyId in any form succeeds; another key gives IncorrectKeyException', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const other = await symmetricKey(kms);
  await kms.call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: keyId });
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: 'alias/app', Plaintext: b64('x') });
  for (const form of [keyId, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`, 'alias/app']) {
    assert.equal(text((await kms.call('Decrypt', { CiphertextBlob, KeyId: form })).Plaintext), 'x');
  }
  const e = await kms.fail('Decrypt', { CiphertextBlob, KeyId: other });
  assert.equal(e.name, 'IncorrectKeyException');
  assert.equal(e.message, 'The key ID in the request does not identify a CMK that can perform this operation.');
});

test('encryption context is canonical: {"a":"bc"} and {"ab":"c"} do not decrypt each other', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('secret'), EncryptionContext: { a: 'bc' } });
  const collision = await kms.fail('Decrypt', { CiphertextBlob, EncryptionContext: { ab: 'c' } });
  assert.equal(collision.name, 'InvalidCiphertextException');
  assert.equal(collision.message, '');
  assert.equal((await kms.fail('Decrypt', { CiphertextBlob })).name, 'InvalidCiphertextException');
  assert.equal((await kms.fail('Decrypt', { CiphertextBlob, EncryptionContext: { a: 'bc', extra: '' } })).name, 'InvalidCiphertextException');
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob, EncryptionContext: { a: 'bc' } })).Plaintext), 'secret');
  // Pair order does not matter; case does.
  const two = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('p'), EncryptionContext: { x: '1', y: '2' } });
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob: two.CiphertextBlob, EncryptionContext: { y: '2', x: '1' } })).Plaintext), 'p');
  assert.equal((await kms.fail('Decrypt', { CiphertextBlob: two.CiphertextBlob, EncryptionContext: { X: '1', y: '2' } })).name, 'InvalidCiphertextException');
});

test('ciphertext made before rotations still decrypts; new ciphertext uses the new material', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const old = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('before') });
  const before = (await kms.call('Decrypt', { CiphertextBlob: old.CiphertextBlob })).KeyMaterialId;
  await kms.call('RotateKeyOnDemand', { KeyId: keyId });
  await kms.call('RotateKeyOnDemand', { KeyId: keyId });
  const fresh = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('after') });
  const decryptedOld = await kms.call('Decrypt', { CiphertextBlob: old.CiphertextBlob });
  const decryptedNew = await kms.call('Decrypt', { CiphertextBlob: fresh.CiphertextBlob });
  assert.equal(text(decryptedOld.Plaintext), 'before');
  assert.equal(decryptedOld.KeyMaterialId, before);
  assert.equal(text(decryptedNew.Plaintext), 'after');
  assert.notEqual(decryptedNew.KeyMaterialId, before);
  assert.equal(decryptedNew.KeyMaterialId, (await kms.call('DescribeKey', { KeyId: keyId })).KeyMetadata.CurrentKeyMaterialId);
});

test('tampered, truncated and foreign blobs give InvalidCiphertextException', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('payload') });
  const length = Buffer.from(CiphertextBlob, 'base64').length;
  // Header byte (the material ID), IV, body and tag: every part is authenticated.
  for (const index of [length - 60, length - 30, length - 20, -1]) {
    assert.equal((await kms.fail('Decrypt', { CiphertextBlob: flipByte(CiphertextBlob, index) })).name, 'InvalidCiphertextException', `byte ${index}`);
  }
  const truncated = Buffer.from(CiphertextBlob, 'base64').subarray(0, 40).toString('base64');
  assert.equal((await kms.fail('Decrypt', { CiphertextBlob: truncated })).name, 'InvalidCiphertextException');
  const foreign = Buffer.alloc(120, 7).toString('base64');
  assert.equal((await kms.fail('Decrypt', { CiphertextBlob: foreign })).name, 'InvalidCiphertextException');
  assert.equal((await kms.fail('Decrypt', { CiphertextBlob: foreign, KeyId: keyId })).name, 'InvalidCiphertextException');
});

test('a blob names its account: other accounts decrypt it as policy allows; a missing key gives AccessDeniedException', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('mine') });
  const crossAccount = await kms.call('Decrypt', { CiphertextBlob }, rootCaller('210987654321'));
  assert.equal(text(crossAccount.Plaintext), 'mine');
  assert.equal(crossAccount.KeyId, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`);
  const otherRegion = await kms.fail('Decrypt', { CiphertextBlob }, rootCaller(ACCOUNT, 'eu-west-1'));
  assert.equal(otherRegion.name, 'AccessDeniedException');
  assert.equal(otherRegion.message, 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.');
  await kms.call('ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
  kms.clock.advance(8 * 24 * 3600 * 1000);
  assert.equal((await kms.fail('Decrypt', { CiphertextBlob })).name, 'AccessDeniedException');
});

test('a multi-Region key decrypts in the replica Region what the primary encrypted', async () => {
  const kms = createTestKms();
  const keyId = (await kms.call('CreateKey', { MultiRegion: true })).KeyMetadata.KeyId as string;
  await kms.call('ReplicateKey', { KeyId: keyId, ReplicaRegion: 'eu-west-1' });
  kms.clock.advance(60_000);
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('everywhere'), EncryptionContext: { r: '1' } });
  const replica = await kms.call('Decrypt', { CiphertextBlob, EncryptionContext: { r: '1' } }, rootCaller(ACCOUNT, 'eu-west-1'));
  assert.equal(text(replica.Plaintext), 'everywhere');
  assert.equal(replica.KeyId, `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyId}`);
});

test('disabled and pending-deletion keys refuse Encrypt and Decrypt with AWS texts', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const arn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`;
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('x') });
  await kms.call('DisableKey', { KeyId: keyId });
  for (const [op, body] of [['Encrypt', { KeyId: keyId, Plaintext: b64('x') }], ['Decrypt', { CiphertextBlob }]] as const) {
    const e = await kms.fail(op, body);
    assert.equal(e.name, 'DisabledException');
    assert.equal(e.message, `${arn} is disabled.`);
  }
  await kms.call('ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
  const pending = await kms.fail('Decrypt', { CiphertextBlob });
  assert.equal(pending.name, 'KMSInvalidStateException');
  assert.equal(pending.message, `${arn} is pending deletion.`);
});

test('key usage and algorithm mismatches give InvalidKeyUsageException', async () => {
  const kms = createTestKms();
  const symmetric = await symmetricKey(kms);
  const signing = (await kms.call('CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata;
  const hmac = (await kms.call('CreateKey', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })).KeyMetadata;
  const rsa = (await kms.call('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })).KeyMetadata;
  const cases: [Record<string, unknown>, string][] = [
    [{ KeyId: signing.KeyId, Plaintext: b64('x') }, `${signing.Arn} key usage is SIGN_VERIFY which is not valid for Encrypt.`],
    [{ KeyId: hmac.KeyId, Plaintext: b64('x') }, `${hmac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.`],
    [{ KeyId: symmetric, Plaintext: b64('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }, 'Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.'],
    [{ KeyId: rsa.KeyId, Plaintext: b64('x') }, 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.'],
  ];
  for (const [body, message] of cases) {
    const e = await kms.fail('Encrypt', body);
    assert.equal(e.name, 'InvalidKeyUsageException');
    assert.equal(e.message, message);
  }
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: symmetric, Plaintext: b64('x') });
  const e = await kms.fail('Decrypt', { CiphertextBlob, KeyId: rsa.KeyId });
  assert.equal(e.message, 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.');
});

test('input validation: plaintext length, missing ciphertext, RSA decrypt without KeyId', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const tooLong = await kms.fail('Encrypt', { KeyId: keyId, Plaintext: Buffer.alloc(4097).toString('base64') });
  assert.equal(tooLong.name, 'ValidationException');
  assert.match(tooLong.message, /at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096/);
  assert.equal((await kms.fail('Decrypt', {})).name, 'ValidationException');
  const noKey = await kms.fail('Decrypt', { CiphertextBlob: b64('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
  assert.equal(noKey.name, 'ValidationException');
  assert.match(noKey.message, /KeyId is required/);
  assert.equal((await kms.fail('Encrypt', { KeyId: 'alias/missing', Plaintext: b64('x') })).name, 'NotFoundException');
});

test('authorization sees the action, encryption-context and algorithm condition keys and grant tokens', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const seen = recordAuthorizations(kms);
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('x'), EncryptionContext: { tenant: 'a', app: 'b' }, GrantTokens: ['tok'] });
  assert.equal(seen[0].action, 'kms:Encrypt');
  assert.equal(seen[0].conditions['kms:EncryptionContext:tenant'], 'a');
  assert.deepEqual(seen[0].conditions['kms:EncryptionContextKeys'], ['tenant', 'app']);
  assert.equal(seen[0].conditions['kms:EncryptionAlgorithm'], 'SYMMETRIC_DEFAULT');
  assert.deepEqual(seen[0].grantTokens, ['tok']);
  await kms.call('Decrypt', { CiphertextBlob, EncryptionContext: { tenant: 'a', app: 'b' } });
  assert.equal(seen[1].action, 'kms:Decrypt');
  assert.equal(seen[1].key?.keyId, keyId);
  kms.authorizer.current = { authorize: () => ({ allowed: false, reason: 'no-allow' }) };
  const denied = await kms.fail('Decrypt', { CiphertextBlob, EncryptionContext: { tenant: 'a', app: 'b' } });
  assert.equal(denied.name, 'AccessDeniedException');
  assert.match(denied.message, /kms:Decrypt/);
});

test('ReEncrypt moves a ciphertext to another key and context, authorizing source and destination', async () => {
  const kms = createTestKms();
  const source = await symmetricKey(kms);
  const destination = await symmetricKey(kms);
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: source, Plaintext: b64('moved'), EncryptionContext: { v: '1' } });
  const seen = recordAuthorizations(kms);
  const out = await kms.call('ReEncrypt', {
    CiphertextBlob,
    SourceEncryptionContext: { v: '1' },
    DestinationKeyId: destination,
    DestinationEncryptionContext: { v: '2' },
  });
  assert.deepEqual(seen.map((r) => [r.action, r.key?.keyId, r.conditions['kms:ReEncryptOnSameKey']]), [
    ['kms:ReEncryptFrom', source, undefined],
    ['kms:ReEncryptTo', destination, false],
  ]);
  assert.equal(out.SourceKeyId, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${source}`);
  assert.equal(out.KeyId, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${destination}`);
  assert.equal(out.SourceEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  assert.equal(out.DestinationEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  assert.ok(out.SourceKeyMaterialId && out.DestinationKeyMaterialId);
  const back = await kms.call('Decrypt', { CiphertextBlob: out.CiphertextBlob, EncryptionContext: { v: '2' } });
  assert.equal(text(back.Plaintext), 'moved');
  assert.equal(back.KeyId, out.KeyId);
  const wrong = await kms.fail('ReEncrypt', { CiphertextBlob, SourceEncryptionContext: { v: '2' }, DestinationKeyId: destination });
  assert.equal(wrong.name, 'InvalidCiphertextException');
  const incorrect = await kms.fail('ReEncrypt', { CiphertextBlob, SourceKeyId: destination, SourceEncryptionContext: { v: '1' }, DestinationKeyId: destination });
  assert.equal(incorrect.name, 'IncorrectKeyException');
  const same = await kms.call('ReEncrypt', { CiphertextBlob, SourceEncryptionContext: { v: '1' }, DestinationKeyId: source });
  assert.equal(seen.at(-1)?.conditions['kms:ReEncryptOnSameKey'], true);
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob: same.CiphertextBlob })).Plaintext), 'moved');
});

test('alias/aws/<service> creates the AWS managed key on first Encrypt', async () => {
  const kms = createTestKms();
  const encrypted = await kms.call('Encrypt', { KeyId: 'alias/aws/s3', Plaintext: b64('managed') });
  const metadata = (await kms.call('DescribeKey', { KeyId: 'alias/aws/s3' })).KeyMetadata;
  assert.equal(metadata.KeyManager, 'AWS');
  assert.equal(encrypted.KeyId, metadata.Arn);
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob: encrypted.CiphertextBlob })).Plaintext), 'managed');
});

test('DryRun answers DryRunOperationException after every check, and records no usage', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const e = await kms.fail('Encrypt', { KeyId: keyId, Plaintext: b64('x'), DryRun: true });
  assert.equal(e.name, 'DryRunOperationException');
  assert.equal(e.message, 'The request would have succeeded, but the DryRun option is set.');
  const garbage = Buffer.alloc(100, 1).toString('base64');
  assert.equal((await kms.fail('Decrypt', { CiphertextBlob: garbage, KeyId: keyId, DryRun: true })).name, 'InvalidCiphertextException');
  const ignoring = await kms.fail('Decrypt', { CiphertextBlob: garbage, KeyId: keyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] });
  assert.equal(ignoring.name, 'DryRunOperationException');
  const state = await kms.store.read();
  assert.equal(state.regions[`${ACCOUNT}/us-east-1`].keys[keyId].lastUsage, undefined);
  await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('x') });
  // A fresh read: a store's state is a snapshot (the LMDB store's is), not a live object.
  const after = await kms.store.read();
  assert.equal(after.regions[`${ACCOUNT}/us-east-1`].keys[keyId].lastUsage?.Encrypt?.operation, 'Encrypt');
});
