/**
 * The in-process KMSClient: real SDK commands answered by a LocalKms without a socket, with typed
 * SDK exceptions for AWS errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  InvalidCiphertextException,
  CustomKeyStoreNotFoundException,
  DescribeCustomKeyStoresCommand,
  KMSServiceException,
  ListKeysCommand,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { openLocalKms } from '../../src-node/host';
import { createLocalKmsClient } from '../../src-node/local-client';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

test('SDK commands reach the local KMS in-process and come back as SDK outputs', async () => {
  const kms = await openLocalKms({ inMemory: true, region: 'eu-west-1' });
  const client = createLocalKmsClient(kms);
  const created = await client.send(new CreateCustomKeyStoreCommand({
    CustomKeyStoreName: 'hsm', CloudHsmClusterId: 'cluster-234abcdefgh', TrustAnchorCertificate: CERT, KeyStorePassword: 'kmsuser-password',
  }));
  assert.match(created.CustomKeyStoreId!, /^cks-/);
  assert.equal(created.$metadata.httpStatusCode, 200);
  assert.match(created.$metadata.requestId!, /^[0-9a-f-]{36}$/);
  const { CustomKeyStores } = await client.send(new DescribeCustomKeyStoresCommand({}));
  assert.equal(CustomKeyStores!.length, 1);
  assert.ok(CustomKeyStores![0].CreationDate instanceof Date, 'epoch seconds on the wire become Dates');
  await kms.close();
});

test('AWS errors arrive as the typed SDK exceptions with name, message and request ID', async () => {
  const kms = await openLocalKms({ inMemory: true });
  const client = createLocalKmsClient(kms);
  await assert.rejects(client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: 'cks-0123456789abcdef0' })), (e: unknown) => {
    assert.ok(e instanceof CustomKeyStoreNotFoundException);
    assert.equal(e.name, 'CustomKeyStoreNotFoundException');
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.$metadata.requestId!, /^[0-9a-f-]{36}$/);
    return true;
  });
  await assert.rejects(client.send(new CreateCustomKeyStoreCommand({ CustomKeyStoreName: '' })), (e: unknown) => {
    assert.ok(e instanceof KMSServiceException);
    assert.equal(e.name, 'ValidationException');
    assert.match(e.message, /validation error/);
    return true;
  });
  await kms.close();
});

test('reset empties an in-memory keyring', async () => {
  const kms = await openLocalKms({ inMemory: true });
  const client = createLocalKmsClient(kms);
  await client.send(new CreateCustomKeyStoreCommand({
    CustomKeyStoreName: 'hsm', CloudHsmClusterId: 'cluster-234abcdefgh', TrustAnchorCertificate: CERT, KeyStorePassword: 'kmsuser-password',
  }));
  await kms.reset!();
  const { CustomKeyStores } = await client.send(new DescribeCustomKeyStoresCommand({}));
  assert.deepEqual(CustomKeyStores, []);
  await kms.close();
});

test('keys made through the in-process client carry the LocalKms account and Region', async () => {
  const kms = await openLocalKms({ inMemory: true, accountId: '111122223333', region: 'eu-central-1' });
  const client = createLocalKmsClient(kms);
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: 'orders' }));
  assert.match(KeyMetadata!.Arn!, /^arn:aws:kms:eu-central-1:111122223333:key\/[0-9a-f-]{36}$/);
  assert.ok(KeyMetadata!.CreationDate instanceof Date);
  await client.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: KeyMetadata!.KeyId }));
  const described = await client.send(new DescribeKeyCommand({ KeyId: 'alias/orders' }));
  assert.equal(described.KeyMetadata!.KeyId, KeyMetadata!.KeyId);
  assert.equal(described.KeyMetadata!.Description, 'orders');
  const { Keys } = await client.send(new ListKeysCommand({}));
  assert.deepEqual(Keys!.map((k) => k.KeyId), [KeyMetadata!.KeyId]);

  const other = createLocalKmsClient(kms, { caller: { accountId: '444455556666' } });
  await assert.rejects(other.send(new DescribeKeyCommand({ KeyId: 'alias/orders' })), (e: unknown) => {
    assert.ok(e instanceof NotFoundException, 'another account does not see the alias');
    assert.equal(e.name, 'NotFoundException');
    return true;
  });
  assert.deepEqual((await other.send(new ListKeysCommand({}))).Keys, []);
  await kms.close();
});

test('encrypt and decrypt in-process, with the context checked and typed errors for a wrong one', async () => {
  const kms = await openLocalKms({ inMemory: true });
  const client = createLocalKmsClient(kms);
  const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
  const Plaintext = new TextEncoder().encode('in-process secret');
  const EncryptionContext = { user: 'ana' };
  const { CiphertextBlob, KeyId } = await client.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext, EncryptionContext }));
  assert.equal(KeyId, KeyMetadata!.Arn);
  const out = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext }));
  assert.deepEqual(out.Plaintext, Plaintext);
  await assert.rejects(client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { user: 'bob' } })), InvalidCiphertextException);
  await kms.close();
});
