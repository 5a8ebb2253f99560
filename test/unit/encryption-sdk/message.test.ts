import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { RECYCLE_SAFE_BUFFERS } from '../../../src-core/encryption-sdk/byte-reader';
import { EncryptedMessageError, type MessageErrorReason } from '../../../src-core/encryption-sdk/message-error';
import { collect, decryptBatches, decryptStream, encryptBatches, encryptStream, fromBytes, type DecryptOptions, type EncryptOptions } from '../../../src-core/encryption-sdk/message';
import { nodeRandom } from '../../../src-node/host';
import { FakeKms, KEY_A, KEY_B } from './fake-kms';

const SUITES = ['AES256_GCM_HKDF_SHA512_COMMIT_KEY', 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384'] as const;
const SUITE_IDS = {
  AES256_GCM_HKDF_SHA512_COMMIT_KEY: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
} as const;
const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/** Feeds `bytes` in chunks of `size` so frames straddle chunk boundaries. */
async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

function encrypt(plaintext: Buffer, options: Omit<EncryptOptions, 'kms' | 'keyId' | 'random'> & { kms: FakeKms; keyId?: string }, chunk = 1 << 20) {
  return collect(encryptStream(chunked(plaintext, chunk), { keyId: KEY_A, random: nodeRandom, ...options }));
}

function decrypt(message: Buffer, options: Omit<DecryptOptions, 'kms'> & { kms: FakeKms }, chunk = 1 << 20) {
  return collect(decryptStream(chunked(message, chunk), options));
}

async function rejects(work: Promise<unknown>, reasons: MessageErrorReason[]): Promise<EncryptedMessageError> {
  try {
    await work;
  } catch (e) {
    assert.ok(e instanceof EncryptedMessageError, `expected an EncryptedMessageError, got ${String(e)}`);
    assert.ok(reasons.includes(e.reason), `reason ${e.reason} (${e.message}) not in ${reasons.join(', ')}`);
    return e;
  }
  assert.fail('the message was accepted');
}

for (const suite of SUITES) {
  test(`${suite}: round trips at every size around frame boundaries, any input chunking`, async () => {
    const kms = new FakeKms();
    const frameLength = 64;
    for (const size of [0, 1, frameLength - 1, frameLength, frameLength + 1, 2 * frameLength, 7 * frameLength + 5]) {
      const plaintext = randomBytes(size);
      for (const chunk of [1, 7, frameLength, 1 << 20]) {
        const message = await encrypt(plaintext, { kms, suite, frameLength, encryptionContext: { purpose: 'test' } }, chunk);
        assert.deepEqual(await decrypt(message, { kms }, chunk === 1 ? 3 : chunk), plaintext, `size ${size}, chunk ${chunk}`);
      }
    }
  });

  test(`${suite}: the AWS Encryption SDK decrypts what we write, at every frame size`, async () => {
    const kms = new FakeKms();
    const keyring = new KmsKeyringNode({ generatorKeyId: KEY_A, clientProvider: () => kms.esdkClient() });
    for (const frameLength of [1, 100, 4096, 65536]) {
      for (const size of [0, 1, frameLength - 1, frameLength, frameLength + 1, 3 * frameLength + 17]) {
        const plaintext = randomBytes(size);
        const message = await encrypt(plaintext, { kms, suite, frameLength, encryptionContext: { team: 'red', 'ü': 'ß' } });
        const { plaintext: out, messageHeader } = await esdk.decrypt(keyring, message);
        assert.deepEqual(Buffer.from(out), plaintext, `frame ${frameLength}, size ${size}`);
        assert.equal(messageHeader.suiteId, SUITE_IDS[suite]);
        assert.equal(messageHeader.encryptionContext.team, 'red');
        assert.equal(messageHeader.encryptedDataKeys[0].providerInfo, KEY_A);
        assert.equal(messageHeader.encryptedDataKeys[0].providerId, 'aws-kms');
      }
    }
  });

  test(`${suite}: we decrypt what the AWS Encryption SDK writes, at every frame size`, async () => {
    const kms = new FakeKms();
    const keyring = new KmsKeyringNode({ generatorKeyId: KEY_A, keyIds: [KEY_B], clientProvider: () => kms.esdkClient() });
    for (const frameLength of [1, 100, 4096, 65536]) {
      for (const size of [0, 1, frameLength - 1, frameLength, frameLength + 1, 3 * frameLength + 17]) {
        const plaintext = randomBytes(size);
        const { result } = await esdk.encrypt(keyring, plaintext, { suiteId: SUITE_IDS[suite], frameLength, encryptionContext: { a: '1', b: '2' } });
        let info: { keyArns: string[]; suite: string } | undefined;
        const out = await decrypt(Buffer.from(result), { kms, onHeader: (i) => (info = i) }, 1000);
        assert.deepEqual(out, plaintext, `frame ${frameLength}, size ${size}`);
        assert.deepEqual(info?.keyArns, [KEY_A, KEY_B]);
        assert.equal(info?.suite, suite);
      }
    }
  });

  test(`${suite}: flipping any byte or truncating anywhere of a 3-frame message is rejected`, async () => {
    const kms = new FakeKms();
    const plaintext = randomBytes(40);
    const message = await encrypt(plaintext, { kms, suite, frameLength: 16, encryptionContext: { k: 'v' } });
    for (let i = 0; i < message.length; i++) {
      const altered = Buffer.from(message);
      altered[i] ^= 0x01;
      await rejects(decrypt(altered, { kms }), ['tampered', 'malformed', 'key', 'unsupported', 'truncated']);
    }
    for (let n = 0; n < message.length; n++) {
      await rejects(decrypt(message.subarray(0, n), { kms }), n === 0 ? ['truncated'] : ['truncated', 'tampered']);
    }
    await rejects(decrypt(Buffer.concat([message, Buffer.from([0])]), { kms }), ['malformed', 'tampered']);
  });

  test(`${suite}: reordered, dropped or spliced frames are rejected`, async () => {
    const kms = new FakeKms();
    const frameLength = 16;
    const one = await encrypt(randomBytes(40), { kms, suite, frameLength });
    const other = await encrypt(randomBytes(40), { kms, suite, frameLength });
    // Frame positions, found from the end: regular frames are 4+12+16+16 bytes, the final frame (8 bytes) 4+4+12+4+8+16.
    const footer = suite.endsWith('P384') ? footerLength(one) : 0;
    const bodyStart = one.length - footer - 48 - 2 * 48;
    const frame = (m: Buffer, i: number) => m.subarray(bodyStart + i * 48, bodyStart + (i + 1) * 48);
    const swapped = Buffer.concat([one.subarray(0, bodyStart), frame(one, 1), frame(one, 0), one.subarray(bodyStart + 96)]);
    await rejects(decrypt(swapped, { kms }), ['malformed']);
    const dropped = Buffer.concat([one.subarray(0, bodyStart), frame(one, 1), one.subarray(bodyStart + 96)]);
    await rejects(decrypt(dropped, { kms }), ['malformed']);
    const noFinal = one.subarray(0, bodyStart + 96);
    await rejects(decrypt(noFinal, { kms }), ['truncated']);
    const spliced = Buffer.concat([one.subarray(0, bodyStart), frame(other, 0), one.subarray(bodyStart + 48)]);
    await rejects(decrypt(spliced, { kms }), ['tampered']);
  });

  test(`${suite}: each encryption gets its own message ID, data key and body`, async () => {
    const kms = new FakeKms();
    const plaintext = Buffer.alloc(200, 7);
    const a = await encrypt(plaintext, { kms, suite, frameLength: 64 });
    const b = await encrypt(plaintext, { kms, suite, frameLength: 64 });
    assert.notDeepEqual(a.subarray(3, 35), b.subarray(3, 35));
    assert.notDeepEqual(a.subarray(a.length - 150), b.subarray(b.length - 150));
  });
}

/** Length of a signing suite's footer: the signature length field is found by trying each plausible DER length. */
function footerLength(message: Buffer): number {
  for (let sig = 100; sig <= 110; sig++) {
    if (message.readUInt16BE(message.length - sig - 2) === sig) return sig + 2;
  }
  throw new Error('no footer found');
}

test('a message under another key is refused with a clear error naming the keys', async () => {
  const kms = new FakeKms();
  const message = await encrypt(randomBytes(10), { kms, keyId: KEY_A });
  const e = await rejects(decrypt(message, { kms, keyArns: [KEY_B] }), ['key']);
  assert.match(e.message, /not encrypted under any of the allowed keys/);
  assert.ok(e.message.includes(KEY_A));
  const stranger = new FakeKms();
  const denied = await rejects(decrypt(message, { kms: stranger }), ['key']);
  assert.equal(denied.name, 'InvalidCiphertextException');
  assert.match(denied.message, /could not decrypt the data key under/);
});

test('a required context pair that is missing or different is refused without naming its value', async () => {
  const kms = new FakeKms();
  const message = await encrypt(randomBytes(10), { kms, encryptionContext: { project: 'alpha' } });
  const e = await rejects(decrypt(message, { kms, requiredContext: { project: 'secret-beta' } }), ['context-mismatch']);
  assert.doesNotMatch(e.message, /secret-beta/);
  await rejects(decrypt(message, { kms, requiredContext: { other: 'x' } }), ['context-mismatch']);
  assert.equal((await decrypt(message, { kms, requiredContext: { project: 'alpha' } })).length, 10);
});

test('options are checked before KMS is called: suite, frame length, reserved context keys', async () => {
  const kms = new FakeKms();
  await rejects(encrypt(Buffer.alloc(1), { kms, suite: 'AES256_GCM_IV12_TAG16' }), ['unsupported']);
  await rejects(encrypt(Buffer.alloc(1), { kms, frameLength: 0 }), ['unsupported']);
  await rejects(encrypt(Buffer.alloc(1), { kms, frameLength: 1.5 }), ['unsupported']);
  await rejects(encrypt(Buffer.alloc(1), { kms, encryptionContext: { 'aws-crypto-public-key': 'x' } }), ['unsupported']);
  assert.deepEqual(kms.calls, []);
});

test('limits on hostile input: frame length, data key count, signed messages when refused, legacy suites', async () => {
  const kms = new FakeKms();
  const big = await encrypt(randomBytes(10), { kms, frameLength: 1 << 20 });
  await rejects(decrypt(big, { kms, maxFrameLength: 1 << 16 }), ['unsupported']);
  const signed = await encrypt(randomBytes(10), { kms, suite: 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384' });
  await rejects(decrypt(signed, { kms, rejectSigned: true }), ['unsupported']);
  const keyring = new KmsKeyringNode({ generatorKeyId: KEY_A, keyIds: [KEY_B], clientProvider: () => kms.esdkClient() });
  const { result } = await esdk.encrypt(keyring, Buffer.from('x'), { suiteId: SUITE_IDS.AES256_GCM_HKDF_SHA512_COMMIT_KEY });
  await rejects(decrypt(Buffer.from(result), { kms, maxEncryptedDataKeys: 1 }), ['unsupported']);
  const legacy = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
  const old = await legacy.encrypt(keyring, Buffer.from('legacy'), { suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384 });
  await rejects(decrypt(Buffer.from(old.result), { kms }), ['unsupported']);
  assert.equal((await decrypt(Buffer.from(old.result), { kms, allowLegacySuites: true })).toString(), 'legacy');
});

/**
 * Feeds `bytes` as a file reader that reuses its buffers does: `RECYCLE_SAFE_BUFFERS` buffers in
 * rotation, one read ahead, each overwritten with junk before it is refilled, so any view the reader
 * kept past its lifetime would decrypt junk.
 */
async function* recycled(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  const buffers = Array.from({ length: RECYCLE_SAFE_BUFFERS }, () => Buffer.alloc(size));
  const fill = (at: number) => {
    const b = buffers[(at / size) % buffers.length].fill(0xa5);
    return b.subarray(0, bytes.copy(b, 0, at, at + size));
  };
  let ahead = fill(0);
  for (let at = 0; at < bytes.length; at += size) {
    const current = ahead;
    if (at + size < bytes.length) ahead = fill(at + size);
    yield current;
  }
}

test('decryption is correct from a source that recycles its buffers, frames shorter or longer than its chunks', async () => {
  const kms = new FakeKms();
  for (const suite of SUITES) {
    for (const [frameLength, size, chunk] of [[64, 64 * 9 + 5, 50], [500, 1800, 64], [37, 37 * 40, 1000]]) {
      const plaintext = randomBytes(size);
      const message = await encrypt(plaintext, { kms, suite, frameLength, encryptionContext: { purpose: 'recycled' } });
      assert.deepEqual(await collect(decryptStream(recycled(message, chunk), { kms })), plaintext, `${suite}, frame ${frameLength}, chunk ${chunk}`);
      assert.deepEqual(await collect(encryptStream(recycled(plaintext, chunk), { kms, random: nodeRandom, keyId: KEY_A, suite, frameLength })).then((m) => decrypt(m, { kms })), plaintext);
    }
  }
});

test('fromBytes and collect carry one buffer through', async () => {
  const kms = new FakeKms();
  const message = await collect(encryptStream(fromBytes(Buffer.from('hello')), { kms, random: nodeRandom, keyId: KEY_A }));
  assert.equal((await collect(decryptStream(fromBytes(message), { kms }))).toString(), 'hello');
});

test('1-byte frames: batches stay bounded in buffers both ways, so the work per byte is constant', async () => {
  const kms = new FakeKms();
  const plaintext = randomBytes(5_000);
  const batchSizes: number[] = [];
  const parts: Buffer[] = [];
  for await (const batch of encryptBatches(chunked(plaintext, 1 << 20), { kms, random: nodeRandom, keyId: KEY_A, frameLength: 1 })) {
    batchSizes.push(batch.length);
    parts.push(...batch);
  }
  const message = Buffer.concat(parts);
  const out: Buffer[] = [];
  for await (const batch of decryptBatches(chunked(message, 1 << 20), { kms })) {
    batchSizes.push(batch.length);
    out.push(...batch);
  }
  assert.deepEqual(Buffer.concat(out), plaintext);
  // A million-buffer batch is what made such a message take minutes and hundreds of MB downstream.
  assert.ok(Math.max(...batchSizes) <= 1024 + 4, `a batch of ${Math.max(...batchSizes)} buffers`);
  // The SDK reads what we wrote.
  const { plaintext: theirs } = await esdk.decrypt(new KmsKeyringNode({ generatorKeyId: KEY_A, clientProvider: () => kms.esdkClient() }), message);
  assert.deepEqual(theirs, plaintext);
});
