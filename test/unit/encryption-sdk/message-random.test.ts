/**
 * The randomness of an encrypted message (its ID and, for signing suites, the one-time signing key)
 * comes from the injected Random, as everywhere else in the core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createECDH, createHash } from 'node:crypto';
import { PUBLIC_KEY_CONTEXT_KEY } from '../../../src-core/encryption-sdk/encryption-context';
import { collect, decryptStream, encryptStream, fromBytes, type MessageInfo } from '../../../src-core/encryption-sdk/message';
import type { Random } from '../../../src-core/ports';
import { FakeKms, KEY_A } from './fake-kms';

/** Every draw is recorded; the bytes are a SHA-256 stream, so they look random but repeat per seed. */
function recordingRandom(seed: string): Random & { draws: Buffer[] } {
  const draws: Buffer[] = [];
  let counter = 0;
  return {
    draws,
    bytes(n) {
      const chunks: Buffer[] = [];
      while (Buffer.concat(chunks).length < n) chunks.push(createHash('sha256').update(`${seed}/${counter++}`).digest());
      const out = Buffer.concat(chunks).subarray(0, n);
      draws.push(Buffer.from(out));
      return new Uint8Array(out);
    },
  };
}

async function encryptSigned(random: Random, kms: FakeKms): Promise<{ message: Buffer; info: MessageInfo }> {
  let info: MessageInfo | undefined;
  const message = await collect(encryptStream(fromBytes(Buffer.from('hello')), {
    kms, random, keyId: KEY_A, suite: 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384', onHeader: (i) => (info = i),
  }));
  assert.ok(info);
  return { message, info };
}

test('the signing key and the message ID are drawn from the injected Random', async () => {
  const kms = new FakeKms();
  const random = recordingRandom('one');
  const { message, info } = await encryptSigned(random, kms);
  const [scalar, messageId] = random.draws;
  assert.equal(random.draws.length, 2);
  const ecdh = createECDH('secp384r1');
  ecdh.setPrivateKey(scalar);
  assert.equal(info.encryptionContext[PUBLIC_KEY_CONTEXT_KEY], ecdh.getPublicKey('base64', 'compressed'));
  assert.equal(info.messageId, messageId.toString('hex'));
  assert.equal((await collect(decryptStream(fromBytes(message), { kms }))).toString(), 'hello');

  const again = await encryptSigned(recordingRandom('one'), kms);
  assert.equal(again.info.messageId, info.messageId);
  assert.notEqual((await encryptSigned(recordingRandom('two'), kms)).info.messageId, info.messageId);
});

test('a Random that never gives a valid scalar fails with a clear error instead of looping', async () => {
  const zeros: Random = { bytes: (n) => new Uint8Array(n) };
  await assert.rejects(encryptSigned(zeros, new FakeKms()), /no valid secp384r1 scalar in 8 draws/);
});
