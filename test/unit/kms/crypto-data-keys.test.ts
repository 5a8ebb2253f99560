import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { AuthorizationRequest } from '../../../src-core/kms/operation-context';
import { ACCOUNT, allowAll, b64, createTestKms, type TestKms } from './harness';

async function symmetricKey(kms: TestKms): Promise<string> {
  return (await kms.call('CreateKey', {})).KeyMetadata.KeyId as string;
}

test('GenerateDataKey: KeySpec or NumberOfBytes, plaintext decryptable from the blob under the context', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  for (const [body, length] of [[{ KeySpec: 'AES_256' }, 32], [{ KeySpec: 'AES_128' }, 16], [{ NumberOfBytes: 1 }, 1], [{ NumberOfBytes: 1024 }, 1024]] as const) {
    const out = await kms.call('GenerateDataKey', { KeyId: keyId, EncryptionContext: { purpose: 'test' }, ...body });
    assert.equal(Buffer.from(out.Plaintext, 'base64').length, length);
    assert.equal(out.KeyId, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`);
    assert.match(out.KeyMaterialId, /^[0-9a-f]{64}$/);
    const back = await kms.call('Decrypt', { CiphertextBlob: out.CiphertextBlob, EncryptionContext: { purpose: 'test' } });
    assert.equal(back.Plaintext, out.Plaintext);
  }
  const without = await kms.call('GenerateDataKeyWithoutPlaintext', { KeyId: keyId, KeySpec: 'AES_256' });
  assert.equal(without.Plaintext, undefined);
  assert.equal(Buffer.from((await kms.call('Decrypt', { CiphertextBlob: without.CiphertextBlob })).Plaintext, 'base64').length, 32);
});

test('GenerateDataKey validation: neither or both sizes, out-of-range NumberOfBytes, bad KeySpec, asymmetric key', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  for (const body of [{}, { KeySpec: 'AES_256', NumberOfBytes: 32 }]) {
    const e = await kms.fail('GenerateDataKey', { KeyId: keyId, ...body });
    assert.equal(e.name, 'ValidationException');
    assert.equal(e.message, 'Please specify either number of bytes or key spec.');
  }
  const zero = await kms.fail('GenerateDataKey', { KeyId: keyId, NumberOfBytes: 0 });
  assert.match(zero.message, /Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1/);
  assert.equal((await kms.fail('GenerateDataKey', { KeyId: keyId, NumberOfBytes: 1025 })).name, 'ValidationException');
  assert.equal((await kms.fail('GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_512' })).name, 'ValidationException');
  const rsa = (await kms.call('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })).KeyMetadata.KeyId;
  const asymmetric = await kms.fail('GenerateDataKey', { KeyId: rsa, KeySpec: 'AES_256' });
  assert.equal(asymmetric.name, 'InvalidKeyUsageException');
  assert.equal(asymmetric.message, 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.');
  const recipient = await kms.fail('GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_256', Recipient: { AttestationDocument: b64('doc') } });
  assert.equal(recipient.name, 'UnsupportedOperationException');
});

const PAIRS: [string, (key: ReturnType<typeof createPrivateKey>) => void][] = [
  ['RSA_2048', (k) => assert.equal(k.asymmetricKeyDetails?.modulusLength, 2048)],
  ['ECC_NIST_P256', (k) => assert.equal(k.asymmetricKeyDetails?.namedCurve, 'prime256v1')],
  ['ECC_NIST_P384', (k) => assert.equal(k.asymmetricKeyDetails?.namedCurve, 'secp384r1')],
  ['ECC_NIST_P521', (k) => assert.equal(k.asymmetricKeyDetails?.namedCurve, 'secp521r1')],
  ['ECC_SECG_P256K1', (k) => assert.equal(k.asymmetricKeyDetails?.namedCurve, 'secp256k1')],
  ['ECC_NIST_EDWARDS25519', (k) => assert.equal(k.asymmetricKeyType, 'ed25519')],
];

test('GenerateDataKeyPair: PKCS#8 private key encrypted under the KMS key, SPKI public key, for every pair spec Node can make', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  for (const [spec, check] of PAIRS) {
    const out = await kms.call('GenerateDataKeyPair', { KeyId: keyId, KeyPairSpec: spec, EncryptionContext: { pair: spec } });
    assert.equal(out.KeyPairSpec, spec);
    const privateKey = createPrivateKey({ key: Buffer.from(out.PrivateKeyPlaintext, 'base64'), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey({ key: Buffer.from(out.PublicKey, 'base64'), format: 'der', type: 'spki' });
    check(privateKey);
    const message = Buffer.from('pair check');
    const algorithm = spec === 'ECC_NIST_EDWARDS25519' ? null : 'sha256';
    assert.ok(verify(algorithm, message, publicKey, sign(algorithm, message, privateKey)), `${spec} halves match`);
    const decrypted = await kms.call('Decrypt', { CiphertextBlob: out.PrivateKeyCiphertextBlob, EncryptionContext: { pair: spec } });
    assert.equal(decrypted.Plaintext, out.PrivateKeyPlaintext);
  }
  const without = await kms.call('GenerateDataKeyPairWithoutPlaintext', { KeyId: keyId, KeyPairSpec: 'ECC_NIST_P256' });
  assert.equal(without.PrivateKeyPlaintext, undefined);
  const recovered = (await kms.call('Decrypt', { CiphertextBlob: without.PrivateKeyCiphertextBlob })).Plaintext;
  const fromBlob = createPrivateKey({ key: Buffer.from(recovered, 'base64'), format: 'der', type: 'pkcs8' });
  assert.equal(createPublicKey(fromBlob).export({ format: 'der', type: 'spki' }).toString('base64'), without.PublicKey);
});

test('GenerateDataKeyPair authorizes with kms:DataKeyPairSpec and refuses non-symmetric KMS keys', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const seen: AuthorizationRequest[] = [];
  kms.authorizer.current = { authorize: (r) => (seen.push(r), allowAll.authorize(r)) };
  await kms.call('GenerateDataKeyPairWithoutPlaintext', { KeyId: keyId, KeyPairSpec: 'ECC_NIST_P256' });
  assert.equal(seen[0].action, 'kms:GenerateDataKeyPairWithoutPlaintext');
  assert.equal(seen[0].conditions['kms:DataKeyPairSpec'], 'ECC_NIST_P256');
  const hmac = (await kms.call('CreateKey', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })).KeyMetadata;
  const e = await kms.fail('GenerateDataKeyPair', { KeyId: hmac.KeyId, KeyPairSpec: 'ECC_NIST_P256' });
  assert.equal(e.name, 'InvalidKeyUsageException');
  assert.equal(e.message, `${hmac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKeyPair.`);
});

test('a data key from GenerateDataKey works as an AES key outside KMS (envelope encryption)', async () => {
  const kms = createTestKms();
  const keyId = await symmetricKey(kms);
  const { Plaintext, CiphertextBlob } = await kms.call('GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_256' });
  const iv = Buffer.alloc(12, 1);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(Plaintext, 'base64'), iv);
  const sealed = Buffer.concat([cipher.update('bulk data'), cipher.final()]);
  const tag = cipher.getAuthTag();
  // Later, with only the encrypted data key stored: recover it from KMS and open the data.
  const dataKey = Buffer.from((await kms.call('Decrypt', { CiphertextBlob })).Plaintext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', dataKey, iv);
  decipher.setAuthTag(tag);
  assert.equal(Buffer.concat([decipher.update(sealed), decipher.final()]).toString(), 'bulk data');
});

test('GenerateRandom: 1–1024 bytes from the injected randomness, AWS validation texts, custom key store checks', async () => {
  const kms = createTestKms();
  assert.equal(Buffer.from((await kms.call('GenerateRandom', { NumberOfBytes: 1024 })).Plaintext, 'base64').length, 1024);
  assert.notEqual((await kms.call('GenerateRandom', { NumberOfBytes: 32 })).Plaintext, (await kms.call('GenerateRandom', { NumberOfBytes: 32 })).Plaintext);
  const missing = await kms.fail('GenerateRandom', {});
  assert.equal(missing.name, 'ValidationException');
  assert.equal(missing.message, 'NumberOfBytes is required.');
  const big = await kms.fail('GenerateRandom', { NumberOfBytes: 1025 });
  assert.equal(big.message, "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
  const store = await kms.fail('GenerateRandom', { NumberOfBytes: 8, CustomKeyStoreId: 'cks-1234567890abcdef0' });
  assert.equal(store.name, 'CustomKeyStoreNotFoundException');
});
