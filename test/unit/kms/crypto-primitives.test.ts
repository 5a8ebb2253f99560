import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { signDigestEcdsa, verifyDigestEcdsa } from '../../../src-core/kms/crypto/ecdsa-prehashed';
import { signDigestPkcs1, signDigestPss, verifyDigestPkcs1, verifyDigestPss } from '../../../src-core/kms/crypto/rsa-prehashed';

const random = { bytes: (n: number) => new Uint8Array(randomBytes(n)) };

test('prehashed ECDSA accepts only strict DER SEQUENCE{r, s} in range', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const digest = createHash('sha256').update('strict').digest();
  const der = Buffer.from(signDigestEcdsa(privateKey, digest, random));
  assert.ok(verifyDigestEcdsa(publicKey, digest, der));
  assert.ok(verify('sha256', Buffer.from('strict'), publicKey, der));
  const p1363 = sign('sha256', Buffer.from('strict'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  assert.equal(verifyDigestEcdsa(publicKey, digest, p1363), false, 'raw r‖s is not DER');
  assert.equal(verifyDigestEcdsa(publicKey, digest, Buffer.concat([der, Buffer.from([0])])), false, 'trailing bytes');
  const zeroR = Buffer.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01]);
  assert.equal(verifyDigestEcdsa(publicKey, digest, zeroR), false, 'r = 0');
  assert.equal(verifyDigestEcdsa(publicKey, digest, Buffer.alloc(0)), false, 'empty');
});

test('prehashed ECDSA truncates a digest longer than the order (SHA-512 on P-256) as node:crypto does', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const message = Buffer.from('long digest');
  const digest = createHash('sha512').update(message).digest();
  assert.ok(verify('sha512', message, publicKey, signDigestEcdsa(privateKey, digest, random)));
  assert.ok(verifyDigestEcdsa(publicKey, digest, sign('sha512', message, privateKey)));
});

test('prehashed RSA PKCS #1 v1.5 and PSS match node:crypto in both directions', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const message = Buffer.from('rsa both ways');
  for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
    const digest = createHash(hash).update(message).digest();
    const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length };
    assert.ok(verify(hash, message, { key: publicKey, ...pss }, signDigestPss(privateKey, hash, digest, random)));
    assert.ok(verifyDigestPss(publicKey, hash, digest, sign(hash, message, { key: privateKey, ...pss })));
    assert.ok(verify(hash, message, publicKey, signDigestPkcs1(privateKey, hash, digest)));
    assert.ok(verifyDigestPkcs1(publicKey, hash, digest, sign(hash, message, privateKey)));
    // A PKCS #1 signature is not a PSS one, and a signature of the wrong length is refused outright.
    assert.equal(verifyDigestPss(publicKey, hash, digest, sign(hash, message, privateKey)), false);
    assert.equal(verifyDigestPkcs1(publicKey, hash, digest, Buffer.alloc(10)), false);
  }
});
