/**
 * Cryptographic sessions against the real `kmsw serve` through @aws-sdk/client-kms: encryption with
 * context, key state changes, rotation and multi-Region keys, as an application meets them.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisabledException,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  InvalidCiphertextException,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { raw, sdkClient, serve, type Served } from './serve';

let server: Served;
let kms: KMSClient;
before(async () => {
  server = await serve(['--in-memory']);
  kms = sdkClient(server.url);
});
afterEach(async () => {
  await raw(server.url, { path: '/_reset' });
});
after(async () => {
  kms?.destroy();
  await server?.stop();
});

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

async function newKey(client = kms, input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}): Promise<{ KeyId: string; Arn: string }> {
  const { KeyMetadata } = await client.send(new CreateKeyCommand(input));
  return { KeyId: KeyMetadata!.KeyId!, Arn: KeyMetadata!.Arn! };
}

test('encrypt and decrypt with an encryption context; the context must match exactly', async () => {
  const { KeyId, Arn } = await newKey();
  const EncryptionContext = { tenant: 'acme', purpose: 'invoice' };
  const encrypted = await kms.send(new EncryptCommand({ KeyId, Plaintext: utf8('card 4111'), EncryptionContext }));
  assert.equal(encrypted.KeyId, Arn, 'responses name the key by ARN');
  assert.equal(encrypted.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext }));
  assert.equal(text(decrypted.Plaintext), 'card 4111');
  assert.equal(decrypted.KeyId, Arn, 'Decrypt finds the key in the blob');
  await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { tenant: 'acme' } })), InvalidCiphertextException);
  await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })), InvalidCiphertextException);
  const tampered = new Uint8Array(encrypted.CiphertextBlob!);
  tampered[tampered.length - 1] ^= 1;
  await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext })), InvalidCiphertextException);
});

test('contexts that concatenate alike do not decrypt each other', async () => {
  const { KeyId } = await newKey();
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId, Plaintext: utf8('x'), EncryptionContext: { a: 'bc' } }));
  await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { ab: 'c' } })), InvalidCiphertextException);
});

test('a disabled key refuses to encrypt until it is enabled again', async () => {
  const { KeyId } = await newKey();
  await kms.send(new DisableKeyCommand({ KeyId }));
  await assert.rejects(kms.send(new EncryptCommand({ KeyId, Plaintext: utf8('x') })), (e: unknown) => e instanceof DisabledException && e.message.includes(KeyId));
  await kms.send(new EnableKeyCommand({ KeyId }));
  assert.ok((await kms.send(new EncryptCommand({ KeyId, Plaintext: utf8('x') }))).CiphertextBlob);
});

test('after on-demand rotation old ciphertext still decrypts and ReEncrypt moves it to another key', async () => {
  const { KeyId } = await newKey();
  const before = await kms.send(new EncryptCommand({ KeyId, Plaintext: utf8('before rotation') }));
  await kms.send(new RotateKeyOnDemandCommand({ KeyId }));
  const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId }));
  assert.equal(rotations.Rotations!.length, 1);
  assert.equal(rotations.Rotations![0].RotationType, 'ON_DEMAND');
  assert.equal(text((await kms.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob }))).Plaintext), 'before rotation');

  const other = await newKey();
  const moved = await kms.send(new ReEncryptCommand({ CiphertextBlob: before.CiphertextBlob, DestinationKeyId: other.KeyId }));
  assert.equal(moved.KeyId, other.Arn);
  const back = await kms.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob }));
  assert.equal(text(back.Plaintext), 'before rotation');
  assert.equal(back.KeyId, other.Arn);
});

test('a multi-Region replica decrypts what its primary encrypted', async () => {
  const primary = await newKey(kms, { MultiRegion: true });
  assert.match(primary.KeyId, /^mrk-[0-9a-f]{32}$/);
  const { ReplicaKeyMetadata } = await kms.send(new ReplicateKeyCommand({ KeyId: primary.KeyId, ReplicaRegion: 'eu-west-1' }));
  assert.equal(ReplicaKeyMetadata!.Arn, primary.Arn.replace('us-east-1', 'eu-west-1'));
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: primary.KeyId, Plaintext: utf8('everywhere'), EncryptionContext: { r: '1' } }));
  const europe = sdkClient(server.url, { region: 'eu-west-1' });
  // A new replica is Creating for a moment on the keyring's clock.
  for (let i = 0; i < 50; i++) {
    if ((await europe.send(new DescribeKeyCommand({ KeyId: primary.KeyId }))).KeyMetadata!.KeyState === 'Enabled') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const out = await europe.send(new DecryptCommand({ CiphertextBlob, KeyId: primary.KeyId, EncryptionContext: { r: '1' } }));
  assert.equal(text(out.Plaintext), 'everywhere');
  assert.equal(out.KeyId, ReplicaKeyMetadata!.Arn);
  europe.destroy();
});
