import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { ACCOUNT, b64, createTestKms, type TestKms } from './harness';

async function key(kms: TestKms, KeySpec: string, KeyUsage: string) {
  return (await kms.call('CreateKey', { KeySpec, KeyUsage })).KeyMetadata as { KeyId: string; Arn: string };
}

const MACS = [['HMAC_224', 'HMAC_SHA_224', 28], ['HMAC_256', 'HMAC_SHA_256', 32], ['HMAC_384', 'HMAC_SHA_384', 48], ['HMAC_512', 'HMAC_SHA_512', 64]] as const;

test('GenerateMac and VerifyMac for every HMAC spec; a wrong MAC gives KMSInvalidMacException', async () => {
  const kms = createTestKms();
  for (const [spec, algorithm, length] of MACS) {
    const { KeyId, Arn } = await key(kms, spec, 'GENERATE_VERIFY_MAC');
    const out = await kms.call('GenerateMac', { KeyId, Message: b64('message'), MacAlgorithm: algorithm });
    assert.equal(out.KeyId, Arn);
    assert.equal(out.MacAlgorithm, algorithm);
    assert.equal(Buffer.from(out.Mac, 'base64').length, length);
    assert.equal((await kms.call('GenerateMac', { KeyId, Message: b64('message'), MacAlgorithm: algorithm })).Mac, out.Mac);
    const ok = await kms.call('VerifyMac', { KeyId, Message: b64('message'), MacAlgorithm: algorithm, Mac: out.Mac });
    assert.equal(ok.MacValid, true);
    for (const body of [{ Message: b64('other'), Mac: out.Mac }, { Message: b64('message'), Mac: Buffer.from(out.Mac, 'base64').subarray(1).toString('base64') }]) {
      const e = await kms.fail('VerifyMac', { KeyId, MacAlgorithm: algorithm, ...body });
      assert.equal(e.name, 'KMSInvalidMacException');
      assert.equal(e.message, '');
    }
  }
});

test('MAC validation: algorithm for the spec, key usage, message length, state', async () => {
  const kms = createTestKms();
  const hmac = await key(kms, 'HMAC_224', 'GENERATE_VERIFY_MAC');
  const mismatch = await kms.fail('GenerateMac', { KeyId: hmac.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' });
  assert.equal(mismatch.name, 'InvalidKeyUsageException');
  assert.equal(mismatch.message, 'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.');
  const symmetric = (await kms.call('CreateKey', {})).KeyMetadata;
  const usage = await kms.fail('VerifyMac', { KeyId: symmetric.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256', Mac: b64('mac') });
  assert.equal(usage.message, `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for VerifyMac.`);
  assert.equal((await kms.fail('GenerateMac', { KeyId: hmac.KeyId, Message: Buffer.alloc(4097).toString('base64'), MacAlgorithm: 'HMAC_SHA_224' })).name, 'ValidationException');
  await kms.call('DisableKey', { KeyId: hmac.KeyId });
  assert.equal((await kms.fail('GenerateMac', { KeyId: hmac.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_224' })).name, 'DisabledException');
});

test('DeriveSharedSecret: ECDH with the peer key equals what the peer derives from the KMS public key', async () => {
  const kms = createTestKms();
  for (const [spec, curve] of [['ECC_NIST_P256', 'prime256v1'], ['ECC_NIST_P384', 'secp384r1'], ['ECC_NIST_P521', 'secp521r1']] as const) {
    const { KeyId, Arn } = await key(kms, spec, 'KEY_AGREEMENT');
    const kmsPublic = createPublicKey({ key: Buffer.from((await kms.call('GetPublicKey', { KeyId })).PublicKey, 'base64'), format: 'der', type: 'spki' });
    const peer = generateKeyPairSync('ec', { namedCurve: curve });
    const out = await kms.call('DeriveSharedSecret', {
      KeyId,
      KeyAgreementAlgorithm: 'ECDH',
      PublicKey: peer.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    });
    assert.equal(out.KeyId, Arn);
    assert.equal(out.KeyAgreementAlgorithm, 'ECDH');
    assert.equal(out.KeyOrigin, 'AWS_KMS');
    assert.equal(out.SharedSecret, diffieHellman({ privateKey: peer.privateKey, publicKey: kmsPublic }).toString('base64'));
  }
});

test('DeriveSharedSecret validation: usage, wrong curve, malformed public key', async () => {
  const kms = createTestKms();
  const agreement = await key(kms, 'ECC_NIST_P256', 'KEY_AGREEMENT');
  const otherCurve = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const curve = await kms.fail('DeriveSharedSecret', { KeyId: agreement.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: otherCurve });
  assert.equal(curve.name, 'ValidationException');
  const raw = createECDH('prime256v1');
  raw.generateKeys();
  const notSpki = await kms.fail('DeriveSharedSecret', { KeyId: agreement.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: raw.getPublicKey().toString('base64') });
  assert.equal(notSpki.name, 'ValidationException');
  const signing = await key(kms, 'ECC_NIST_P256', 'SIGN_VERIFY');
  const peer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const usage = await kms.fail('DeriveSharedSecret', { KeyId: signing.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer });
  assert.equal(usage.name, 'InvalidKeyUsageException');
  assert.equal(usage.message, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${signing.KeyId} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.`);
});
