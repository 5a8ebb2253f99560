/**
 * Cryptographic sessions against the real `kmsw serve` through @aws-sdk/client-kms: encryption with
 * context, key state changes, rotation and multi-Region keys, as an application meets them.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, createVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisabledException,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  InvalidCiphertextException,
  KMSInvalidMacException,
  KMSInvalidSignatureException,
  KMSServiceException,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  PutKeyPolicyCommand,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { kmsw, raw, sdkClient, serve, type Served } from './serve';

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
  // A keyring folder, so `kmsw clock advance` can move the keyring's clock past the replica's Creating moment.
  const data = mkdtempSync(join(tmpdir(), 'kmsw-replica-'));
  const folderServer = await serve(['--data', data]);
  const home = sdkClient(folderServer.url);
  const europe = sdkClient(folderServer.url, { region: 'eu-west-1' });
  try {
    const primary = await newKey(home, { MultiRegion: true });
    assert.match(primary.KeyId, /^mrk-[0-9a-f]{32}$/);
    const { ReplicaKeyMetadata } = await home.send(new ReplicateKeyCommand({ KeyId: primary.KeyId, ReplicaRegion: 'eu-west-1' }));
    assert.equal(ReplicaKeyMetadata!.Arn, primary.Arn.replace('us-east-1', 'eu-west-1'));
    const { CiphertextBlob } = await home.send(new EncryptCommand({ KeyId: primary.KeyId, Plaintext: utf8('everywhere'), EncryptionContext: { r: '1' } }));
    // A new replica is Creating for a moment on the keyring's clock: move the clock rather than wait for it.
    assert.equal((await europe.send(new DescribeKeyCommand({ KeyId: primary.KeyId }))).KeyMetadata!.KeyState, 'Creating');
    const advanced = kmsw(['clock', 'advance', '1m', '--data', data]);
    assert.equal(advanced.status, 0, advanced.stderr);
    assert.equal((await europe.send(new DescribeKeyCommand({ KeyId: primary.KeyId }))).KeyMetadata!.KeyState, 'Enabled');
    const out = await europe.send(new DecryptCommand({ CiphertextBlob, KeyId: primary.KeyId, EncryptionContext: { r: '1' } }));
    assert.equal(text(out.Plaintext), 'everywhere');
    assert.equal(out.KeyId, ReplicaKeyMetadata!.Arn);
  } finally {
    home.destroy();
    europe.destroy();
    await folderServer.stop();
    rmSync(data, { recursive: true, force: true });
  }
});

test('data keys: the wrapped copy decrypts to the plaintext copy; key pairs come with a wrapped private key', async () => {
  const { KeyId } = await newKey();
  const EncryptionContext = { file: 'report.pdf' };
  const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256', EncryptionContext }));
  assert.equal(dataKey.Plaintext!.length, 32);
  const unwrapped = await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext }));
  assert.deepEqual(unwrapped.Plaintext, dataKey.Plaintext);
  const wrappedOnly = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId, NumberOfBytes: 16 }));
  assert.equal('Plaintext' in wrappedOnly, false);
  assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob: wrappedOnly.CiphertextBlob }))).Plaintext!.length, 16);

  const pair = await kms.send(new GenerateDataKeyPairCommand({ KeyId, KeyPairSpec: 'ECC_NIST_P256' }));
  const privateDer = (await kms.send(new DecryptCommand({ CiphertextBlob: pair.PrivateKeyCiphertextBlob }))).Plaintext!;
  assert.deepEqual(privateDer, pair.PrivateKeyPlaintext);
  assert.equal(createPublicKey({ key: Buffer.from(pair.PublicKey!), format: 'der', type: 'spki' }).asymmetricKeyType, 'ec');
});

test('sign and verify: the signature checks with node:crypto and the public key; a changed message does not', async () => {
  const { KeyId } = await newKey(kms, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  const Message = utf8('release 1.2.3');
  const { Signature } = await kms.send(new SignCommand({ KeyId, Message, SigningAlgorithm: 'ECDSA_SHA_256' }));
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId }));
  const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
  assert.ok(createVerify('SHA256').update(Message).verify(publicKey, Buffer.from(Signature!)));
  assert.equal((await kms.send(new VerifyCommand({ KeyId, Message, Signature, SigningAlgorithm: 'ECDSA_SHA_256' }))).SignatureValid, true);
  await assert.rejects(kms.send(new VerifyCommand({ KeyId, Message: utf8('release 1.2.4'), Signature, SigningAlgorithm: 'ECDSA_SHA_256' })), KMSInvalidSignatureException);
});

test('MACs verify for the same message only', async () => {
  const { KeyId } = await newKey(kms, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  const { Mac } = await kms.send(new GenerateMacCommand({ KeyId, Message: utf8('token'), MacAlgorithm: 'HMAC_SHA_256' }));
  assert.equal((await kms.send(new VerifyMacCommand({ KeyId, Message: utf8('token'), Mac, MacAlgorithm: 'HMAC_SHA_256' }))).MacValid, true);
  await assert.rejects(kms.send(new VerifyMacCommand({ KeyId, Message: utf8('tokeN'), Mac, MacAlgorithm: 'HMAC_SHA_256' })), KMSInvalidMacException);
});

test('a grant lets its grantee use a key whose policy does not name it', async () => {
  const credentialsOf = (accountId: string) => sdkClient(server.url, { accessKeyId: accountId });
  const owner = await newKey();
  // Only the owner account may use the key; another account's root is refused until granted.
  await kms.send(new PutKeyPolicyCommand({ KeyId: owner.KeyId, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }] }) }));
  const partner = credentialsOf('210987654321');
  const denied = (e: unknown) => e instanceof KMSServiceException && e.name === 'AccessDeniedException' && e.$metadata.httpStatusCode === 400;
  await assert.rejects(partner.send(new EncryptCommand({ KeyId: owner.Arn, Plaintext: utf8('x') })), denied);
  const { GrantToken } = await kms.send(new CreateGrantCommand({ KeyId: owner.KeyId, GranteePrincipal: 'arn:aws:iam::210987654321:root', Operations: ['Encrypt'] }));
  const encrypted = await partner.send(new EncryptCommand({ KeyId: owner.Arn, Plaintext: utf8('x'), GrantTokens: [GrantToken!] }));
  assert.equal(encrypted.KeyId, owner.Arn);
  await assert.rejects(partner.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })), denied, 'the grant allows Encrypt only');
  partner.destroy();
});
