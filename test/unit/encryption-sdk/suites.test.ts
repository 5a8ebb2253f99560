import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWritableSuite } from '../../../src-core/encryption-sdk/suites';

test('suite names as users type them: ours, the SDK\'s, the Encryption CLI\'s, hex IDs; legacy suites refused', () => {
  const signing = 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384';
  for (const text of [signing, 'ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384', 'AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384', 'alg_aes256_gcm_hkdf_sha512_commit_key_ecdsa_p384', '0x0578', '0578']) {
    assert.equal(parseWritableSuite(text), signing, text);
  }
  assert.equal(parseWritableSuite('ALG_AES256_GCM_HKDF_SHA512_COMMIT_KEY'), 'AES256_GCM_HKDF_SHA512_COMMIT_KEY');
  for (const text of ['AES256_GCM_IV12_TAG16', '0x0078', 'COMMIT_KEY', '']) assert.equal(parseWritableSuite(text), undefined, text);
});
