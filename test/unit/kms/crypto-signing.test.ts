import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, generateKeyPairSync, publicEncrypt, sign, verify, type KeyObject } from 'node:crypto';
import { ACCOUNT, b64, createTestKms, rootCaller, text, type TestKms } from './harness';

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** What a user does with a KMS signature: verify it with the public key from GetPublicKey. */
function nodeOptions(algorithm: string, key: KeyObject) {
  return algorithm.startsWith('RSASSA_PSS')
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(algorithm.slice(-3)) / 8 }
    : { key, dsaEncoding: 'der' as const };
}

async function createKey(kms: TestKms, KeySpec: string, KeyUsage: string): Promise<{ keyId: string; publicKey: KeyObject }> {
  const keyId = (await kms.call('CreateKey', { KeySpec, KeyUsage })).KeyMetadata.KeyId as string;
  const der = Buffer.from((await kms.call('GetPublicKey', { KeyId: keyId })).PublicKey, 'base64');
  return { keyId, publicKey: createPublicKey({ key: der, format: 'der', type: 'spki' }) };
}

const MATRIX: [string, string[]][] = [
  ['RSA_2048', ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512', 'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512']],
  ['ECC_NIST_P256', ['ECDSA_SHA_256']],
  ['ECC_NIST_P384', ['ECDSA_SHA_384']],
  ['ECC_NIST_P521', ['ECDSA_SHA_512']],
  ['ECC_SECG_P256K1', ['ECDSA_SHA_256']],
];

for (const [spec, algorithms] of MATRIX) {
  test(`${spec}: KMS signatures verify with node:crypto and node:crypto signatures verify in KMS, RAW and DIGEST`, async () => {
    const kms = createTestKms();
    const { keyId, publicKey } = await createKey(kms, spec, 'SIGN_VERIFY');
    const { privateKey: strangerKey } = spec.startsWith('RSA')
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: publicKey.asymmetricKeyDetails!.namedCurve! });
    const message = Buffer.from(`message signed with ${spec}`);
    for (const algorithm of algorithms) {
      const hash = HASH[algorithm.slice(-3)];
      const digest = createHash(hash).update(message).digest();
      const raw = await kms.call('Sign', { KeyId: keyId, Message: message.toString('base64'), SigningAlgorithm: algorithm });
      assert.equal(raw.SigningAlgorithm, algorithm);
      assert.equal(raw.KeyId, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`);
      const prehashed = await kms.call('Sign', { KeyId: keyId, Message: digest.toString('base64'), MessageType: 'DIGEST', SigningAlgorithm: algorithm });
      for (const signature of [raw.Signature, prehashed.Signature]) {
        assert.ok(verify(hash, message, nodeOptions(algorithm, publicKey), Buffer.from(signature, 'base64')), `${algorithm} verifies in node`);
      }
      // KMS verifies its own signatures as RAW and as the matching DIGEST, and refuses another key's.
      const theirs = sign(hash, message, nodeOptions(algorithm, strangerKey)).toString('base64');
      for (const [MessageType, Message] of [['RAW', message], ['DIGEST', digest]] as const) {
        const ok = await kms.call('Verify', { KeyId: keyId, Message: Message.toString('base64'), MessageType, Signature: prehashed.Signature, SigningAlgorithm: algorithm });
        assert.equal(ok.SignatureValid, true);
        const stranger = await kms.fail('Verify', { KeyId: keyId, Message: Message.toString('base64'), MessageType, Signature: theirs, SigningAlgorithm: algorithm });
        assert.equal(stranger.name, 'KMSInvalidSignatureException');
        assert.equal(stranger.message, '');
      }
      const tampered = await kms.fail('Verify', { KeyId: keyId, Message: b64('another message'), Signature: raw.Signature, SigningAlgorithm: algorithm });
      assert.equal(tampered.name, 'KMSInvalidSignatureException');
    }
  });
}

test('ECC_NIST_EDWARDS25519 signs RAW messages with ED25519_SHA_512; the prehash variant is refused', async () => {
  const kms = createTestKms();
  const { keyId, publicKey } = await createKey(kms, 'ECC_NIST_EDWARDS25519', 'SIGN_VERIFY');
  const message = Buffer.from('edwards');
  const { Signature } = await kms.call('Sign', { KeyId: keyId, Message: message.toString('base64'), SigningAlgorithm: 'ED25519_SHA_512' });
  assert.ok(verify(null, message, publicKey, Buffer.from(Signature, 'base64')));
  assert.equal((await kms.call('Verify', { KeyId: keyId, Message: message.toString('base64'), Signature, SigningAlgorithm: 'ED25519_SHA_512' })).SignatureValid, true);
  const digest = await kms.fail('Sign', { KeyId: keyId, Message: Buffer.alloc(64).toString('base64'), MessageType: 'DIGEST', SigningAlgorithm: 'ED25519_SHA_512' });
  assert.equal(digest.name, 'ValidationException');
  const prehash = await kms.fail('Sign', { KeyId: keyId, Message: Buffer.alloc(64).toString('base64'), MessageType: 'DIGEST', SigningAlgorithm: 'ED25519_PH_SHA_512' });
  assert.equal(prehash.name, 'UnsupportedOperationException');
});

test('Sign and Verify validation: digest length, key usage, algorithm for the spec, EXTERNAL_MU', async () => {
  const kms = createTestKms();
  const { keyId } = await createKey(kms, 'ECC_NIST_P256', 'SIGN_VERIFY');
  const arn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`;
  const short = await kms.fail('Sign', { KeyId: keyId, Message: Buffer.alloc(31).toString('base64'), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.equal(short.name, 'ValidationException');
  assert.equal(short.message, 'Digest is invalid length for algorithm ECDSA_SHA_256.');
  const verifyShort = await kms.fail('Verify', { KeyId: keyId, Message: Buffer.alloc(48).toString('base64'), MessageType: 'DIGEST', Signature: b64('sig'), SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.equal(verifyShort.message, 'Digest is invalid length for algorithm ECDSA_SHA_256.');
  const wrongAlgorithm = await kms.fail('Sign', { KeyId: keyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_384' });
  assert.equal(wrongAlgorithm.name, 'InvalidKeyUsageException');
  assert.equal(wrongAlgorithm.message, 'Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.');
  const rsa = await kms.fail('Sign', { KeyId: keyId, Message: b64('m'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' });
  assert.equal(rsa.message, 'Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256.');
  const mu = await kms.fail('Sign', { KeyId: keyId, Message: Buffer.alloc(64).toString('base64'), MessageType: 'EXTERNAL_MU', SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.equal(mu.name, 'ValidationException');
  const symmetric = (await kms.call('CreateKey', {})).KeyMetadata;
  const usage = await kms.fail('Sign', { KeyId: symmetric.KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.equal(usage.name, 'InvalidKeyUsageException');
  assert.equal(usage.message, `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`);
  const enumViolation = await kms.fail('Sign', { KeyId: keyId, Message: b64('m'), MessageType: 'HASH', SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.equal(enumViolation.name, 'ValidationException');
  const tooLong = await kms.fail('Sign', { KeyId: keyId, Message: Buffer.alloc(4097).toString('base64'), SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.equal(tooLong.name, 'ValidationException');
  await kms.call('DisableKey', { KeyId: keyId });
  const disabled = await kms.fail('Sign', { KeyId: keyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.equal(disabled.name, 'DisabledException');
  assert.equal(disabled.message, `${arn} is disabled.`);
});

test('GetPublicKey returns DER SPKI with the usage and algorithm lists; symmetric keys have none', async () => {
  const kms = createTestKms();
  const signing = (await kms.call('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata;
  const out = await kms.call('GetPublicKey', { KeyId: signing.KeyId });
  assert.equal(out.KeyId, signing.Arn);
  assert.equal(out.KeySpec, 'RSA_2048');
  assert.equal(out.CustomerMasterKeySpec, 'RSA_2048');
  assert.equal(out.KeyUsage, 'SIGN_VERIFY');
  assert.equal(out.SigningAlgorithms.length, 6);
  assert.equal(out.EncryptionAlgorithms, undefined);
  const parsed = createPublicKey({ key: Buffer.from(out.PublicKey, 'base64'), format: 'der', type: 'spki' });
  assert.equal(parsed.asymmetricKeyDetails?.modulusLength, 2048);
  const agreement = (await kms.call('CreateKey', { KeySpec: 'ECC_NIST_P384', KeyUsage: 'KEY_AGREEMENT' })).KeyMetadata;
  assert.deepEqual((await kms.call('GetPublicKey', { KeyId: agreement.KeyId })).KeyAgreementAlgorithms, ['ECDH']);
  const symmetric = (await kms.call('CreateKey', {})).KeyMetadata;
  const e = await kms.fail('GetPublicKey', { KeyId: symmetric.KeyId });
  assert.equal(e.name, 'UnsupportedOperationException');
});

test('RSA encryption: both OAEP algorithms round-trip, offline ciphertext decrypts, size limits use AWS text', async () => {
  const kms = createTestKms();
  const { keyId, publicKey } = await createKey(kms, 'RSA_2048', 'ENCRYPT_DECRYPT');
  for (const [algorithm, hash, limit] of [['RSAES_OAEP_SHA_1', 'sha1', 214], ['RSAES_OAEP_SHA_256', 'sha256', 190]] as const) {
    const encrypted = await kms.call('Encrypt', { KeyId: keyId, Plaintext: Buffer.alloc(limit, 0x61).toString('base64'), EncryptionAlgorithm: algorithm });
    assert.equal(encrypted.EncryptionAlgorithm, algorithm);
    assert.equal(Buffer.from(encrypted.CiphertextBlob, 'base64').length, 256);
    const back = await kms.call('Decrypt', { CiphertextBlob: encrypted.CiphertextBlob, KeyId: keyId, EncryptionAlgorithm: algorithm });
    assert.equal(text(back.Plaintext), 'a'.repeat(limit));
    assert.equal(back.EncryptionAlgorithm, algorithm);
    const offline = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, Buffer.from('made offline'));
    assert.equal(text((await kms.call('Decrypt', { CiphertextBlob: offline.toString('base64'), KeyId: keyId, EncryptionAlgorithm: algorithm })).Plaintext), 'made offline');
    const tooBig = await kms.fail('Encrypt', { KeyId: keyId, Plaintext: Buffer.alloc(limit + 1).toString('base64'), EncryptionAlgorithm: algorithm });
    assert.equal(tooBig.name, 'ValidationException');
    assert.equal(tooBig.message, `Algorithm ${algorithm} and key spec RSA_2048 cannot encrypt data larger than ${limit} bytes.`);
  }
  const encrypted = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
  const wrongHash = await kms.fail('Decrypt', { CiphertextBlob: encrypted.CiphertextBlob, KeyId: keyId, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
  assert.equal(wrongHash.name, 'InvalidCiphertextException');
  const withContext = await kms.fail('Encrypt', { KeyId: keyId, Plaintext: b64('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256', EncryptionContext: { a: 'b' } });
  assert.equal(withContext.name, 'ValidationException');
  // ReEncrypt from RSA to a symmetric key.
  const symmetric = (await kms.call('CreateKey', {})).KeyMetadata.KeyId;
  const moved = await kms.call('ReEncrypt', { CiphertextBlob: encrypted.CiphertextBlob, SourceKeyId: keyId, SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DestinationKeyId: symmetric });
  assert.equal(moved.SourceEncryptionAlgorithm, 'RSAES_OAEP_SHA_256');
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob: moved.CiphertextBlob })).Plaintext), 'x');
});

test('what Node cannot compute is refused with UnsupportedOperationException, never answered wrongly', async () => {
  const kms = createTestKms();
  const china = rootCaller(ACCOUNT, 'cn-north-1');
  const sm2Signing = (await kms.call('CreateKey', { KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' }, china)).KeyMetadata.KeyId;
  const signing = await kms.fail('Sign', { KeyId: sm2Signing, Message: b64('m'), SigningAlgorithm: 'SM2DSA' }, china);
  assert.equal(signing.name, 'UnsupportedOperationException');
  const sm2Encryption = (await kms.call('CreateKey', { KeySpec: 'SM2', KeyUsage: 'ENCRYPT_DECRYPT' }, china)).KeyMetadata.KeyId;
  const encryption = await kms.fail('Encrypt', { KeyId: sm2Encryption, Plaintext: b64('m'), EncryptionAlgorithm: 'SM2PKE' }, china);
  assert.equal(encryption.name, 'UnsupportedOperationException');
  const symmetric = (await kms.call('CreateKey', {})).KeyMetadata.KeyId;
  const pair = await kms.fail('GenerateDataKeyPair', { KeyId: symmetric, KeyPairSpec: 'SM2' });
  assert.equal(pair.name, 'UnsupportedOperationException');
});
