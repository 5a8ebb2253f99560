import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes } from 'node:crypto';
import { ACCOUNT, b64, createTestKms, text } from './harness';
import { DAY, externalKey, parameters, wrapWithNode, wrapWithOpenssl } from './import-support';

test('GetParametersForImport: RSA wrapping key of the requested size, a token valid 24 hours', async () => {
  const kms = createTestKms();
  const keyId = await externalKey(kms);
  assert.equal((await kms.call('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyState, 'PendingImport');
  for (const [spec, bits] of [['RSA_2048', 2048], ['RSA_3072', 3072]] as const) {
    const out = await kms.call('GetParametersForImport', { KeyId: keyId, WrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', WrappingKeySpec: spec });
    assert.equal(out.KeyId, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`);
    assert.equal(createPublicKey({ key: Buffer.from(out.PublicKey, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength, bits);
    assert.equal(out.ParametersValidTo, (kms.clock.now() + DAY) / 1000);
    assert.ok(Buffer.from(out.ImportToken, 'base64').length > 0);
  }
});

for (const wrap of [wrapWithNode, wrapWithOpenssl]) {
  for (const algorithm of ['RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_1']) {
    test(`symmetric material wrapped by ${wrap === wrapWithNode ? 'node:crypto' : 'the openssl CLI'} with ${algorithm} imports and encrypts`, async () => {
      const kms = createTestKms();
      const keyId = await externalKey(kms);
      // Wrapping keys are RSA_2048 except one case, so larger moduli are covered without slow key generation everywhere.
      const p = await parameters(kms, keyId, algorithm, wrap === wrapWithOpenssl && algorithm === 'RSA_AES_KEY_WRAP_SHA_256' ? 'RSA_3072' : 'RSA_2048');
      const validTo = kms.clock.now() + 30 * DAY;
      const out = await kms.call('ImportKeyMaterial', {
        KeyId: keyId,
        ImportToken: p.token,
        EncryptedKeyMaterial: wrap(p.publicKey, algorithm, randomBytes(32)).toString('base64'),
        ValidTo: validTo / 1000,
      });
      assert.equal(out.KeyId, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`);
      assert.match(out.KeyMaterialId, /^[0-9a-f]{64}$/);
      const metadata = (await kms.call('DescribeKey', { KeyId: keyId })).KeyMetadata;
      assert.equal(metadata.KeyState, 'Enabled');
      assert.equal(metadata.ExpirationModel, 'KEY_MATERIAL_EXPIRES');
      assert.equal(metadata.ValidTo, validTo / 1000);
      assert.equal(metadata.CurrentKeyMaterialId, out.KeyMaterialId);
      const { CiphertextBlob } = await kms.call('Encrypt', { KeyId: keyId, Plaintext: b64('byok') });
      assert.equal(text((await kms.call('Decrypt', { CiphertextBlob })).Plaintext), 'byok');
    });
  }
}
