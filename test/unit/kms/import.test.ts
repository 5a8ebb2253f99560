import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants, createHash, createHmac, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { ACCOUNT, b64, createTestKms, rootCaller, text } from './harness';
import { DAY, externalKey, importBody, importMaterial, parameters, wrapWithNode, wrapWithOpenssl } from './import-support';

test('imported RSA signing key: node signs with the private key and KMS verifies, and the reverse', async () => {
  const kms = createTestKms();
  const keyId = await externalKey(kms, { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  // An RSA private key is too large for OAEP alone: it needs an RSA_AES_KEY_WRAP algorithm, here via openssl.
  const p = await parameters(kms, keyId, 'RSA_AES_KEY_WRAP_SHA_256');
  const direct = await kms.fail('ImportKeyMaterial', {
    KeyId: keyId,
    ImportToken: (await parameters(kms, keyId, 'RSAES_OAEP_SHA_256')).token,
    EncryptedKeyMaterial: randomBytes(256).toString('base64'),
    ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
  });
  assert.equal(direct.name, 'InvalidCiphertextException');
  await kms.call('ImportKeyMaterial', {
    KeyId: keyId,
    ImportToken: p.token,
    EncryptedKeyMaterial: wrapWithOpenssl(p.publicKey, 'RSA_AES_KEY_WRAP_SHA_256', pkcs8).toString('base64'),
    ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
  });
  const kmsPublic = Buffer.from((await kms.call('GetPublicKey', { KeyId: keyId })).PublicKey, 'base64');
  assert.deepEqual(kmsPublic, publicKey.export({ format: 'der', type: 'spki' }));
  const message = Buffer.from('signed outside KMS');
  for (const [algorithm, options] of [
    ['RSASSA_PSS_SHA_256', { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }],
    ['RSASSA_PKCS1_V1_5_SHA_256', { key: privateKey }],
  ] as const) {
    const signature = sign('sha256', message, options).toString('base64');
    const ok = await kms.call('Verify', { KeyId: keyId, Message: message.toString('base64'), Signature: signature, SigningAlgorithm: algorithm });
    assert.equal(ok.SignatureValid, true);
    const theirs = (await kms.call('Sign', { KeyId: keyId, Message: message.toString('base64'), SigningAlgorithm: algorithm })).Signature;
    assert.ok(verify('sha256', message, { ...options, key: publicKey }, Buffer.from(theirs, 'base64')));
  }
  // KMS's PSS salt is the digest length: a maximal-salt signature (what moto and local-kms make) does not verify.
  const maxSalt = sign('sha256', message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }).toString('base64');
  for (const [MessageType, Message] of [['RAW', message], ['DIGEST', createHash('sha256').update(message).digest()]] as const) {
    const e = await kms.fail('Verify', { KeyId: keyId, Message: Message.toString('base64'), MessageType, Signature: maxSalt, SigningAlgorithm: 'RSASSA_PSS_SHA_256' });
    assert.equal(e.name, 'KMSInvalidSignatureException');
  }
});

test('imported ECC and HMAC material work as node:crypto expects', async () => {
  const kms = createTestKms();
  const ecc = await externalKey(kms, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await importMaterial(kms, ecc, pair.privateKey.export({ format: 'der', type: 'pkcs8' }), 'RSAES_OAEP_SHA_1');
  const message = Buffer.from('ecc');
  const signature = sign('sha256', message, pair.privateKey).toString('base64');
  assert.equal((await kms.call('Verify', { KeyId: ecc, Message: message.toString('base64'), Signature: signature, SigningAlgorithm: 'ECDSA_SHA_256' })).SignatureValid, true);

  const hmac = await externalKey(kms, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  const secret = randomBytes(40);
  await importMaterial(kms, hmac, secret, 'RSA_AES_KEY_WRAP_SHA_1');
  const mac = (await kms.call('GenerateMac', { KeyId: hmac, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' })).Mac;
  assert.equal(mac, createHmac('sha256', secret).update('m').digest('base64'));
});

test('material that does not fit the key spec gives IncorrectKeyMaterialException', async () => {
  const kms = createTestKms();
  const symmetric = await externalKey(kms);
  const short = await kms.fail('ImportKeyMaterial', await importBody(kms, symmetric, randomBytes(16)));
  assert.equal(short.name, 'IncorrectKeyMaterialException');
  assert.match(short.message, /SYMMETRIC_DEFAULT: it must be 32 bytes/);
  const ecc = await externalKey(kms, { KeySpec: 'ECC_NIST_P384', KeyUsage: 'SIGN_VERIFY' });
  const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'der', type: 'pkcs8' });
  const wrongCurve = await kms.fail('ImportKeyMaterial', await importBody(kms, ecc, p256));
  assert.equal(wrongCurve.name, 'IncorrectKeyMaterialException');
  const garbage = await kms.fail('ImportKeyMaterial', await importBody(kms, ecc, randomBytes(100)));
  assert.equal(garbage.name, 'IncorrectKeyMaterialException');
  assert.equal((await kms.call('DescribeKey', { KeyId: ecc })).KeyMetadata.KeyState, 'PendingImport');
});

test('import tokens: bound to their key, expire after 24 hours, garbage is invalid', async () => {
  const kms = createTestKms();
  const keyId = await externalKey(kms);
  const other = await externalKey(kms);
  const material = randomBytes(32);
  const p = await parameters(kms, keyId, 'RSAES_OAEP_SHA_256');
  const body = { KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: wrapWithNode(p.publicKey, 'RSAES_OAEP_SHA_256', material).toString('base64'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' };
  const foreign = await kms.fail('ImportKeyMaterial', { ...body, KeyId: other });
  assert.equal(foreign.name, 'InvalidImportTokenException');
  const garbage = await kms.fail('ImportKeyMaterial', { ...body, ImportToken: b64('not a token') });
  assert.equal(garbage.name, 'InvalidImportTokenException');
  const tampered = Buffer.from(body.EncryptedKeyMaterial, 'base64');
  tampered[10] ^= 1;
  assert.equal((await kms.fail('ImportKeyMaterial', { ...body, EncryptedKeyMaterial: tampered.toString('base64') })).name, 'InvalidCiphertextException');
  kms.clock.advance(DAY + 1000);
  const expired = await kms.fail('ImportKeyMaterial', body);
  assert.equal(expired.name, 'ExpiredImportTokenException');
});

test('ValidTo and ExpirationModel rules use AWS texts', async () => {
  const kms = createTestKms();
  const keyId = await externalKey(kms);
  const body = await importBody(kms, keyId, randomBytes(32));
  const { ExpirationModel: _model, ...expiring } = body;
  const missing = await kms.fail('ImportKeyMaterial', expiring);
  assert.equal(missing.name, 'ValidationException');
  assert.equal(missing.message, 'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
  const now = kms.clock.now() / 1000;
  assert.equal((await kms.fail('ImportKeyMaterial', { ...expiring, ValidTo: now - 60 })).name, 'ValidationException');
  assert.equal((await kms.fail('ImportKeyMaterial', { ...expiring, ValidTo: now + 366 * 86400 })).name, 'ValidationException');
  const both = await kms.fail('ImportKeyMaterial', { ...body, ValidTo: now + 86400 });
  assert.equal(both.name, 'ValidationException');
  assert.match(both.message, /must not be set/);
});

test('only the same material can be imported again; DeleteImportedKeyMaterial makes the key PendingImport', async () => {
  const kms = createTestKms();
  const keyId = await externalKey(kms);
  const arn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`;
  const material = randomBytes(32);
  const first = await importMaterial(kms, keyId, material);
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('kept') });
  const deleted = await kms.call('DeleteImportedKeyMaterial', { KeyId: keyId });
  assert.equal(deleted.KeyMaterialId, first.KeyMaterialId);
  assert.equal((await kms.call('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyState, 'PendingImport');
  const pending = await kms.fail('Decrypt', { CiphertextBlob });
  assert.equal(pending.name, 'KMSInvalidStateException');
  assert.equal(pending.message, `${arn} is pending import.`);
  const different = await kms.fail('ImportKeyMaterial', await importBody(kms, keyId, randomBytes(32)));
  assert.equal(different.name, 'IncorrectKeyMaterialException');
  const again = await importMaterial(kms, keyId, material, 'RSA_AES_KEY_WRAP_SHA_256');
  assert.equal(again.KeyMaterialId, first.KeyMaterialId);
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob })).Plaintext), 'kept');
  // Deleting from a key that never had material changes nothing.
  const empty = await externalKey(kms);
  assert.equal((await kms.call('DeleteImportedKeyMaterial', { KeyId: empty })).KeyMaterialId, undefined);
});

test('imported material expires at ValidTo on the keyring clock and can be imported again', async () => {
  const kms = createTestKms();
  const keyId = await externalKey(kms);
  const material = randomBytes(32);
  await importMaterial(kms, keyId, material, 'RSAES_OAEP_SHA_256', { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: (kms.clock.now() + DAY) / 1000 });
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('until tomorrow') });
  kms.clock.advance(2 * DAY);
  assert.equal((await kms.fail('Decrypt', { CiphertextBlob })).name, 'KMSInvalidStateException');
  await importMaterial(kms, keyId, material);
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob })).Plaintext), 'until tomorrow');
});

test('NEW_KEY_MATERIAL waits as PENDING_ROTATION until RotateKeyOnDemand; old ciphertexts still decrypt', async () => {
  const kms = createTestKms();
  const keyId = await externalKey(kms);
  const original = await importMaterial(kms, keyId, randomBytes(32));
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('v1') });
  const next = await importMaterial(kms, keyId, randomBytes(32), 'RSAES_OAEP_SHA_256', { ImportType: 'NEW_KEY_MATERIAL' });
  assert.notEqual(next.KeyMaterialId, original.KeyMaterialId);
  const second = await kms.fail('ImportKeyMaterial', { ...(await importBody(kms, keyId, randomBytes(32))), ImportType: 'NEW_KEY_MATERIAL' });
  assert.equal(second.name, 'KMSInvalidStateException');
  assert.match(second.message, new RegExp(`another key material \\(id: ${next.KeyMaterialId}\\) is pending rotation`));
  await kms.call('RotateKeyOnDemand', { KeyId: keyId });
  assert.equal((await kms.call('DescribeKey', { KeyId: keyId })).KeyMetadata.CurrentKeyMaterialId, next.KeyMaterialId);
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob })).Plaintext), 'v1');
  const fresh = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('v2') });
  assert.equal((await kms.call('Decrypt', { CiphertextBlob: fresh.CiphertextBlob })).KeyMaterialId, next.KeyMaterialId);
});

test('import operations refuse AWS_KMS keys, aliases, retired and China-only wrapping algorithms', async () => {
  const kms = createTestKms();
  const native = (await kms.call('CreateKey', {})).KeyMetadata;
  const notExternal = await kms.fail('GetParametersForImport', { KeyId: native.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
  assert.equal(notExternal.name, 'UnsupportedOperationException');
  assert.equal(notExternal.message, `${native.Arn} origin is AWS_KMS which is not valid for this operation.`);
  assert.equal((await kms.fail('DeleteImportedKeyMaterial', { KeyId: native.KeyId })).name, 'UnsupportedOperationException');
  const keyId = await externalKey(kms);
  await kms.call('CreateAlias', { AliasName: 'alias/byok', TargetKeyId: keyId });
  assert.equal((await kms.fail('GetParametersForImport', { KeyId: 'alias/byok', WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })).name, 'NotFoundException');
  for (const [WrappingAlgorithm, WrappingKeySpec] of [['RSAES_PKCS1_V1_5', 'RSA_2048'], ['SM2PKE', 'SM2'], ['RSAES_OAEP_SHA_256', 'SM2']]) {
    const e = await kms.fail('GetParametersForImport', { KeyId: keyId, WrappingAlgorithm, WrappingKeySpec });
    assert.equal(e.name, 'UnsupportedOperationException', WrappingAlgorithm);
  }
  assert.equal((await kms.fail('GetParametersForImport', { KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_1024' })).name, 'ValidationException');
  await kms.call('ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
  const deleting = await kms.fail('GetParametersForImport', { KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
  assert.equal(deleting.name, 'KMSInvalidStateException');
});

test('the same material imported into related multi-Region keys decrypts across Regions', async () => {
  const kms = createTestKms();
  const keyId = (await kms.call('CreateKey', { Origin: 'EXTERNAL', MultiRegion: true })).KeyMetadata.KeyId as string;
  const material = randomBytes(32);
  const primary = await importMaterial(kms, keyId, material);
  // The replica starts without material (PendingImport once created): the same material is imported there too.
  await kms.call('ReplicateKey', { KeyId: keyId, ReplicaRegion: 'eu-west-1' });
  kms.clock.advance(60_000);
  const europe = rootCaller(ACCOUNT, 'eu-west-1');
  const p = (await kms.call('GetParametersForImport', { KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }, europe));
  const replica = await kms.call('ImportKeyMaterial', {
    KeyId: keyId,
    ImportToken: p.ImportToken,
    EncryptedKeyMaterial: wrapWithNode(Buffer.from(p.PublicKey, 'base64'), 'RSAES_OAEP_SHA_256', material).toString('base64'),
    ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
  }, europe);
  assert.equal(replica.KeyMaterialId, primary.KeyMaterialId);
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('multi-Region BYOK') });
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob }, europe)).Plaintext), 'multi-Region BYOK');
});

test('ImportType and KeyMaterialId rules: NEW_KEY_MATERIAL must be new and symmetric, a named material must exist', async () => {
  const kms = createTestKms();
  const keyId = await externalKey(kms);
  const material = randomBytes(32);
  const first = await importMaterial(kms, keyId, material, 'RSAES_OAEP_SHA_256', { KeyMaterialDescription: 'first' });
  const reused = await kms.fail('ImportKeyMaterial', { ...(await importBody(kms, keyId, material)), ImportType: 'NEW_KEY_MATERIAL' });
  assert.equal(reused.name, 'IncorrectKeyMaterialException');
  const unknown = await kms.fail('ImportKeyMaterial', { ...(await importBody(kms, keyId, material)), KeyMaterialId: 'ab'.repeat(32) });
  assert.equal(unknown.name, 'NotFoundException');
  const named = await kms.call('ImportKeyMaterial', { ...(await importBody(kms, keyId, material)), KeyMaterialId: first.KeyMaterialId });
  assert.equal(named.KeyMaterialId, first.KeyMaterialId);
  const hmac = await externalKey(kms, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  await importMaterial(kms, hmac, randomBytes(32));
  const notSymmetric = await kms.fail('ImportKeyMaterial', { ...(await importBody(kms, hmac, randomBytes(32))), ImportType: 'NEW_KEY_MATERIAL' });
  assert.equal(notSymmetric.name, 'UnsupportedOperationException');
});

test('a key pair re-imported in another PKCS #8 encoding is the same material; another key pair is not', async () => {
  const kms = createTestKms();
  const keyId = await externalKey(kms, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const withPublic = privateKey.export({ format: 'der', type: 'pkcs8' });
  // The same private key without the optional public key field, as `openssl ec -no_public` writes it.
  const sec1 = execFileSync('openssl', ['ec', '-no_public', '-outform', 'DER'], { input: privateKey.export({ format: 'pem', type: 'pkcs8' }), stdio: ['pipe', 'pipe', 'ignore'] });
  const withoutPublic = execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-inform', 'DER', '-outform', 'DER'], { input: sec1 });
  assert.notDeepEqual(withoutPublic, withPublic);
  const first = await importMaterial(kms, keyId, withPublic, 'RSAES_OAEP_SHA_256');
  await kms.call('DeleteImportedKeyMaterial', { KeyId: keyId });
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'der', type: 'pkcs8' });
  assert.equal((await kms.fail('ImportKeyMaterial', await importBody(kms, keyId, other, 'RSAES_OAEP_SHA_256'))).name, 'IncorrectKeyMaterialException');
  const again = await importMaterial(kms, keyId, withoutPublic, 'RSAES_OAEP_SHA_256');
  assert.equal(again.KeyMaterialId, first.KeyMaterialId);
  const message = Buffer.from('same key');
  const { Signature } = await kms.call('Sign', { KeyId: keyId, Message: message.toString('base64'), SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.ok(verify('sha256', message, createPublicKey(privateKey), Buffer.from(Signature, 'base64')));
});
