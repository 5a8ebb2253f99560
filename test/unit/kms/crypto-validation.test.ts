import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AuthorizationRequest } from '../../../src-core/kms/operation-context';
import { createPolicyAuthorizer } from '../../../src-core/policy/authorizer';
import { ACCOUNT, allowAll, b64, createTestKms, type TestKms } from './harness';

const recipient = { AttestationDocument: b64('attestation'), KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256' };

async function create(kms: TestKms, body: Record<string, unknown> = {}) {
  return (await kms.call('CreateKey', body)).KeyMetadata as { KeyId: string; Arn: string };
}

test('the ciphertext blob is self-describing: a versioned header names the account, the key and the material', async () => {
  const kms = createTestKms();
  const { KeyId } = await create(kms);
  const blob = Buffer.from((await kms.call('Encrypt', { KeyId, Plaintext: b64('x') })).CiphertextBlob, 'base64');
  const materialId = (await kms.call('DescribeKey', { KeyId })).KeyMetadata.CurrentKeyMaterialId as string;
  assert.equal(blob.toString('ascii', 0, 2), 'KW');
  assert.equal(blob[2], 1);
  assert.equal(blob.toString('ascii', 3, 15), ACCOUNT);
  assert.equal(blob[15], KeyId.length);
  assert.equal(blob.toString('ascii', 16, 16 + KeyId.length), KeyId);
  assert.equal(blob.toString('hex', 16 + KeyId.length, 48 + KeyId.length), materialId);
  // header ‖ 12-byte IV ‖ ciphertext (1 byte) ‖ 16-byte tag
  assert.equal(blob.length, 48 + KeyId.length + 12 + 1 + 16);
  const otherVersion = Buffer.from(blob);
  otherVersion[2] = 2;
  assert.equal((await kms.fail('Decrypt', { CiphertextBlob: otherVersion.toString('base64') })).name, 'InvalidCiphertextException');
});

test('Recipient (Nitro attestation) is refused by every operation that accepts it', async () => {
  const kms = createTestKms();
  const { KeyId } = await create(kms);
  const agreement = await create(kms, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' });
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId, Plaintext: b64('x') });
  const peer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const calls: [string, Record<string, unknown>][] = [
    ['Decrypt', { CiphertextBlob }],
    ['GenerateDataKey', { KeyId, KeySpec: 'AES_256' }],
    ['GenerateDataKeyPair', { KeyId, KeyPairSpec: 'ECC_NIST_P256' }],
    ['GenerateRandom', { NumberOfBytes: 16 }],
    ['DeriveSharedSecret', { KeyId: agreement.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer }],
  ];
  for (const [operation, body] of calls) {
    const e = await kms.fail(operation, { ...body, Recipient: recipient });
    assert.equal(e.name, 'UnsupportedOperationException', operation);
  }
});

test('asymmetric encryption refuses an encryption context and ciphertext of the wrong length', async () => {
  const kms = createTestKms();
  const rsa = await create(kms, { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
  const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: rsa.KeyId, Plaintext: b64('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
  const context = await kms.fail('Decrypt', { CiphertextBlob, KeyId: rsa.KeyId, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1', EncryptionContext: { a: 'b' } });
  assert.equal(context.name, 'ValidationException');
  const short = await kms.fail('Decrypt', { CiphertextBlob: randomBytes(255).toString('base64'), KeyId: rsa.KeyId, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
  assert.equal(short.name, 'InvalidCiphertextException');
  const symmetric = await create(kms);
  const wrongKey = await kms.fail('Decrypt', { CiphertextBlob, KeyId: symmetric.KeyId, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
  assert.equal(wrongKey.name, 'InvalidKeyUsageException');
  assert.equal(wrongKey.message, 'Algorithm RSAES_OAEP_SHA_1 is incompatible with key spec SYMMETRIC_DEFAULT.');
});

test('an encryption context too large to bind is a ValidationException, not an internal error', async () => {
  const kms = createTestKms();
  const { KeyId } = await create(kms);
  const e = await kms.fail('Encrypt', { KeyId, Plaintext: b64('x'), EncryptionContext: { big: 'v'.repeat(70_000) } });
  assert.equal(e.name, 'ValidationException');
  assert.equal(e.message, 'The encryption context is too large.');
});

test('GetPublicKey refuses HMAC keys; GenerateRandom checks the custom key store it names', async () => {
  const kms = createTestKms();
  const hmac = await create(kms, { KeySpec: 'HMAC_384', KeyUsage: 'GENERATE_VERIFY_MAC' });
  assert.equal((await kms.fail('GetPublicKey', { KeyId: hmac.KeyId })).name, 'UnsupportedOperationException');
  const { CustomKeyStoreId } = await kms.call('CreateCustomKeyStore', {
    CustomKeyStoreName: 'hsm',
    CloudHsmClusterId: 'cluster-234abcdefgh',
    TrustAnchorCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    KeyStorePassword: 'kmsuser-password',
  });
  const disconnected = await kms.fail('GenerateRandom', { NumberOfBytes: 8, CustomKeyStoreId });
  assert.equal(disconnected.name, 'CustomKeyStoreInvalidStateException');
  await kms.call('ConnectCustomKeyStore', { CustomKeyStoreId });
  assert.equal((await kms.call('DescribeCustomKeyStores', { CustomKeyStoreId })).CustomKeyStores[0].ConnectionState, 'CONNECTED');
  assert.equal(Buffer.from((await kms.call('GenerateRandom', { NumberOfBytes: 8, CustomKeyStoreId })).Plaintext, 'base64').length, 8);
});

test('each operation authorizes its own action with its condition keys', async () => {
  const kms = createTestKms();
  const symmetric = await create(kms);
  await kms.call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: symmetric.KeyId });
  const signing = await create(kms, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  const hmac = await create(kms, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  const external = await create(kms, { Origin: 'EXTERNAL' });
  const seen: AuthorizationRequest[] = [];
  kms.authorizer.current = { authorize: (r) => (seen.push(r), allowAll.authorize(r)) };
  const last = () => seen[seen.length - 1];
  await kms.call('GenerateDataKey', { KeyId: 'alias/app', KeySpec: 'AES_256', EncryptionContext: { k: 'v' } });
  assert.equal(last().action, 'kms:GenerateDataKey');
  assert.equal(last().conditions['kms:RequestAlias'], 'alias/app');
  assert.equal(last().conditions['kms:EncryptionContext:k'], 'v');
  await kms.call('Sign', { KeyId: signing.KeyId, Message: Buffer.alloc(32).toString('base64'), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.deepEqual([last().action, last().conditions['kms:SigningAlgorithm'], last().conditions['kms:MessageType']], ['kms:Sign', 'ECDSA_SHA_256', 'DIGEST']);
  await kms.call('GenerateMac', { KeyId: hmac.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' });
  assert.deepEqual([last().action, last().conditions['kms:MacAlgorithm']], ['kms:GenerateMac', 'HMAC_SHA_256']);
  await kms.call('GetParametersForImport', { KeyId: external.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
  assert.deepEqual([last().action, last().conditions['kms:WrappingAlgorithm'], last().conditions['kms:WrappingKeySpec']], ['kms:GetParametersForImport', 'RSAES_OAEP_SHA_256', 'RSA_2048']);
  await kms.call('GenerateRandom', { NumberOfBytes: 4 });
  assert.deepEqual([last().action, last().key], ['kms:GenerateRandom', undefined]);
  kms.authorizer.current = { authorize: (r) => ({ allowed: r.action !== 'kms:Sign', reason: 'no-allow' }) };
  const denied = await kms.fail('Sign', { KeyId: signing.KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.equal(denied.name, 'AccessDeniedException');
  assert.equal(denied.message, `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: kms:Sign on resource: ${signing.Arn} because no resource-based policy allows the kms:Sign action`);
});

test('with the real policy evaluator, key policy conditions on the encryption context and signing algorithm decide', async () => {
  const kms = createTestKms({ authorizer: createPolicyAuthorizer() });
  const root = `arn:aws:iam::${ACCOUNT}:root`;
  const policy = (statement: Record<string, unknown>) => JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Admin', Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' }, { Effect: 'Deny', Principal: { AWS: root }, Resource: '*', ...statement }],
  });
  const { KeyId } = await create(kms, { Policy: policy({ Action: 'kms:Encrypt', Condition: { StringNotEquals: { 'kms:EncryptionContext:tenant': 'blue' } } }) });
  await kms.call('Encrypt', { KeyId, Plaintext: b64('x'), EncryptionContext: { tenant: 'blue' } });
  const red = await kms.fail('Encrypt', { KeyId, Plaintext: b64('x'), EncryptionContext: { tenant: 'red' } });
  assert.equal(red.name, 'AccessDeniedException');
  assert.match(red.message, /explicit deny/);
  const signing = await create(kms, { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Policy: policy({ Action: 'kms:Sign', Condition: { StringLike: { 'kms:SigningAlgorithm': 'RSASSA_PKCS1*' } } }) });
  await kms.call('Sign', { KeyId: signing.KeyId, Message: b64('m'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' });
  assert.equal((await kms.fail('Sign', { KeyId: signing.KeyId, Message: b64('m'), SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' })).name, 'AccessDeniedException');
});
