import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { KmsError } from '../../../src-core/kms-error';
import { EncryptedMessageError } from '../../../src-core/encryption-sdk/message-error';
import { decryptText, encryptText, isEncryptionSdkMessage } from '../../../src-core/encryption-sdk/text';
import { FakeKms, KEY_A } from './fake-kms';
import { nodeRandom } from '../../../src-node/host';

const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

test('text of at most 4096 UTF-8 bytes without context becomes the bare KMS ciphertext blob', async () => {
  const kms = new FakeKms();
  for (const text of ['', 'secret', 'é'.repeat(2048), 'x'.repeat(4096)]) {
    const base64 = await encryptText(kms, { keyId: KEY_A, random: nodeRandom, plaintext: text });
    const blob = Buffer.from(base64, 'base64');
    assert.equal(isEncryptionSdkMessage(blob), false);
    // What `aws kms decrypt --ciphertext-blob` would do with it: one Decrypt, no context.
    assert.equal(Buffer.from((await kms.decrypt(blob, {})).plaintext).toString('utf8'), text);
    const out = await decryptText(kms, base64);
    assert.deepEqual(out, { plaintext: text, form: 'kms-ciphertext', keyArn: KEY_A, encryptionContext: {} });
  }
  assert.deepEqual(kms.calls.filter((c) => c !== 'Decrypt'), ['Encrypt', 'Encrypt', 'Encrypt', 'Encrypt']);
});

test('larger text, or text with a context, becomes a base64 ESDK message the SDK reads', async () => {
  const kms = new FakeKms();
  const keyring = new KmsKeyringNode({ generatorKeyId: KEY_A, clientProvider: () => kms.esdkClient() });
  for (const [text, context] of [['y'.repeat(4097), {}], ['é'.repeat(2049), {}], ['short', { app: 'demo' }]] as const) {
    const base64 = await encryptText(kms, { keyId: KEY_A, random: nodeRandom, plaintext: text, context });
    assert.ok(isEncryptionSdkMessage(Buffer.from(base64, 'base64')));
    assert.ok(base64.startsWith('AgR4'), 'version 2, suite 0x0478');
    const { plaintext } = await esdk.decrypt(keyring, Buffer.from(base64, 'base64'));
    assert.equal(Buffer.from(plaintext).toString('utf8'), text);
    const out = await decryptText(kms, base64);
    assert.equal(out.plaintext, text);
    assert.equal(out.form, 'encryption-sdk');
    assert.equal(out.keyArn, KEY_A);
    assert.deepEqual(out.encryptionContext, context);
  }
});

test('decryptText reads SDK messages (signed too) and wrapped base64', async () => {
  const kms = new FakeKms();
  const keyring = new KmsKeyringNode({ generatorKeyId: KEY_A, clientProvider: () => kms.esdkClient() });
  const { result } = await esdk.encrypt(keyring, Buffer.from('from the SDK'), { encryptionContext: { a: 'b' } });
  const wrapped = result.toString('base64').replace(/.{60}/g, '$&\n');
  const out = await decryptText(kms, wrapped);
  assert.equal(out.plaintext, 'from the SDK');
  assert.deepEqual(out.encryptionContext, { a: 'b' }, 'the reserved verification key is not shown');
  const signed = await encryptText(kms, { keyId: KEY_A, random: nodeRandom, plaintext: 'signed', context: { a: 'b' }, suite: 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384' });
  assert.equal((await decryptText(kms, signed)).plaintext, 'signed');
});

test('a wrong or missing context is refused; so is text that is not base64 ciphertext', async () => {
  const kms = new FakeKms();
  const small = await encryptText(kms, { keyId: KEY_A, random: nodeRandom, plaintext: 'p' });
  await assert.rejects(decryptText(kms, small, { context: { a: 'b' } }), (e: unknown) => e instanceof KmsError && e.name === 'InvalidCiphertextException');
  const enveloped = await encryptText(kms, { keyId: KEY_A, random: nodeRandom, plaintext: 'p', context: { a: 'b' } });
  await assert.rejects(decryptText(kms, enveloped, { context: { a: 'c' } }), (e: unknown) => e instanceof EncryptedMessageError && e.reason === 'context-mismatch');
  for (const junk of ['', 'not base64!', 'QUJD=A']) {
    await assert.rejects(decryptText(kms, junk), (e: unknown) => e instanceof EncryptedMessageError && e.reason === 'malformed' && /not base64/.test(e.message));
  }
});

test('binary plaintext is refused as text with advice', async () => {
  const kms = new FakeKms();
  const { ciphertextBlob } = await kms.encrypt(KEY_A, Buffer.from([0xff, 0xfe, 0x00]), {});
  await assert.rejects(decryptText(kms, Buffer.from(ciphertextBlob).toString('base64')), /not UTF-8 text; decrypt it as a file/);
});
