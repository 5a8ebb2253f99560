import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRequest, encodeResponse, redactForAudit } from '../../../src-core/kms/wire';
import { KmsError } from '../../../src-core/kms-error';

function rejects(fn: () => unknown, name: string, message?: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof KmsError, 'a KmsError');
    assert.equal(e.name, name);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

test('blobs decode from base64 and timestamps from epoch seconds', () => {
  const input = decodeRequest('Encrypt', { KeyId: 'alias/x', Plaintext: Buffer.from('hi').toString('base64') });
  assert.deepEqual(input.Plaintext, new Uint8Array(Buffer.from('hi')));
  const imp = decodeRequest('ImportKeyMaterial', { KeyId: 'k', ImportToken: 'AA==', EncryptedKeyMaterial: 'AA==', ValidTo: 1_800_000_000 });
  assert.ok(imp.ValidTo instanceof Date);
  assert.equal((imp.ValidTo as Date).getTime(), 1_800_000_000_000);
});

test('length constraints give AWS validation texts, without echoing sensitive values', () => {
  rejects(
    () => decodeRequest('Encrypt', { KeyId: 'k', Plaintext: Buffer.alloc(4097).toString('base64') }),
    'ValidationException',
    "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
  );
  rejects(
    () => decodeRequest('GenerateRandom', { NumberOfBytes: 0 }),
    'ValidationException',
    "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
  );
});

test('missing required members and bad enums are all reported together', () => {
  rejects(() => decodeRequest('Encrypt', {}), 'ValidationException', /^2 validation errors detected: Value null at 'keyId'.*Member must not be null; Value null at 'plaintext'/);
  rejects(() => decodeRequest('CreateKey', { KeySpec: 'AES_999' }), 'ValidationException', /Value 'AES_999' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: \[/);
});

test('wrong JSON types and bad base64 are serialization errors', () => {
  rejects(() => decodeRequest('Encrypt', { KeyId: 5, Plaintext: 'AA==' }), 'SerializationException');
  rejects(() => decodeRequest('Encrypt', { KeyId: 'k', Plaintext: 'not base64!' }), 'SerializationException');
  rejects(() => decodeRequest('ListKeys', [1, 2]), 'SerializationException');
});

test('unknown operations are refused', () => {
  rejects(() => decodeRequest('StealKeys', {}), 'UnknownOperationException');
});

test('responses encode bytes as base64 and dates as epoch seconds', () => {
  const out = encodeResponse({ CiphertextBlob: new Uint8Array([1, 2, 3]), CreationDate: new Date(1500), Skip: undefined });
  assert.deepEqual(out, { CiphertextBlob: 'AQID', CreationDate: 1.5 });
});

test('audit redaction keeps parameters in lowerCamelCase and drops plaintext and key material', () => {
  const input = decodeRequest('Encrypt', { KeyId: 'alias/x', Plaintext: 'c2VjcmV0', EncryptionContext: { tenant: 'a' } });
  assert.deepEqual(redactForAudit('Encrypt', 'input', input), { keyId: 'alias/x', encryptionContext: { tenant: 'a' } });
  const pair = { KeyId: 'arn', PrivateKeyPlaintext: new Uint8Array([9]), PrivateKeyCiphertextBlob: new Uint8Array([8]), PublicKey: new Uint8Array([7]), KeyPairSpec: 'RSA_2048' };
  assert.deepEqual(redactForAudit('GenerateDataKeyPair', 'output', pair), { keyId: 'arn', keyPairSpec: 'RSA_2048' });
});
