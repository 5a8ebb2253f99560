/**
 * The 17 cryptographic operations as an application meets them: real @aws-sdk/client-kms commands
 * answered in-process, so every output shape parses as the SDK expects and errors arrive as the
 * SDK's typed exceptions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, diffieHellman, generateKeyPairSync, publicEncrypt, randomBytes, verify } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DeriveSharedSecretCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateMacCommand,
  GenerateRandomCommand,
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  IncorrectKeyException,
  KMSInvalidMacException,
  KMSInvalidSignatureException,
  ReEncryptCommand,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { openLocalKms } from '../../../src-node/host';
import { createLocalKmsClient } from '../../../src-node/local-client';

async function keyOf(client: KMSClient, input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}): Promise<string> {
  return (await client.send(new CreateKeyCommand(input))).KeyMetadata!.KeyId!;
}

test('every cryptographic operation round-trips through @aws-sdk/client-kms', async () => {
  const kms = await openLocalKms({ inMemory: true });
  const client = createLocalKmsClient(kms);
  try {
    const symmetric = await keyOf(client);
    const other = await keyOf(client);
    const context = { app: 'sdk' };

    const encrypted = await client.send(new EncryptCommand({ KeyId: symmetric, Plaintext: Buffer.from('via sdk'), EncryptionContext: context }));
    const decrypted = await client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: context }));
    assert.equal(Buffer.from(decrypted.Plaintext!).toString(), 'via sdk');
    assert.match(decrypted.KeyMaterialId!, /^[0-9a-f]{64}$/);
    await assert.rejects(client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: context, KeyId: other })), IncorrectKeyException);
    const moved = await client.send(new ReEncryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, SourceEncryptionContext: context, DestinationKeyId: other }));
    assert.equal(moved.SourceKeyId, encrypted.KeyId);

    const dataKey = await client.send(new GenerateDataKeyCommand({ KeyId: symmetric, KeySpec: 'AES_256' }));
    assert.equal(dataKey.Plaintext!.length, 32);
    assert.ok((await client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: symmetric, NumberOfBytes: 64 }))).CiphertextBlob);
    const pair = await client.send(new GenerateDataKeyPairCommand({ KeyId: symmetric, KeyPairSpec: 'ECC_NIST_P384' }));
    assert.equal(createPublicKey({ key: Buffer.from(pair.PublicKey!), format: 'der', type: 'spki' }).asymmetricKeyDetails?.namedCurve, 'secp384r1');
    const withoutPlaintext = await client.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: symmetric, KeyPairSpec: 'RSA_2048' }));
    assert.equal('PrivateKeyPlaintext' in withoutPlaintext, false);
    assert.ok(withoutPlaintext.PrivateKeyCiphertextBlob);
    assert.equal((await client.send(new GenerateRandomCommand({ NumberOfBytes: 12 }))).Plaintext!.length, 12);

    const signing = await keyOf(client, { KeySpec: 'RSA_3072', KeyUsage: 'SIGN_VERIFY' });
    const { PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: signing }));
    const digest = createHash('sha384').update('document').digest();
    const signed = await client.send(new SignCommand({ KeyId: signing, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'RSASSA_PSS_SHA_384' }));
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
    assert.ok(verify('sha384', Buffer.from('document'), { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 }, signed.Signature!));
    const verified = await client.send(new VerifyCommand({ KeyId: signing, Message: Buffer.from('document'), Signature: signed.Signature, SigningAlgorithm: 'RSASSA_PSS_SHA_384' }));
    assert.equal(verified.SignatureValid, true);
    await assert.rejects(client.send(new VerifyCommand({ KeyId: signing, Message: Buffer.from('forged'), Signature: signed.Signature, SigningAlgorithm: 'RSASSA_PSS_SHA_384' })), KMSInvalidSignatureException);

    const hmac = await keyOf(client, { KeySpec: 'HMAC_512', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const mac = await client.send(new GenerateMacCommand({ KeyId: hmac, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_512' }));
    assert.equal((await client.send(new VerifyMacCommand({ KeyId: hmac, Message: Buffer.from('m'), Mac: mac.Mac, MacAlgorithm: 'HMAC_SHA_512' }))).MacValid, true);
    await assert.rejects(client.send(new VerifyMacCommand({ KeyId: hmac, Message: Buffer.from('n'), Mac: mac.Mac, MacAlgorithm: 'HMAC_SHA_512' })), KMSInvalidMacException);

    const agreement = await keyOf(client, { KeySpec: 'ECC_NIST_P521', KeyUsage: 'KEY_AGREEMENT' });
    const peer = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
    const shared = await client.send(new DeriveSharedSecretCommand({ KeyId: agreement, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer.publicKey.export({ format: 'der', type: 'spki' }) }));
    const agreementPublic = createPublicKey({ key: Buffer.from((await client.send(new GetPublicKeyCommand({ KeyId: agreement }))).PublicKey!), format: 'der', type: 'spki' });
    assert.deepEqual(Buffer.from(shared.SharedSecret!), diffieHellman({ privateKey: peer.privateKey, publicKey: agreementPublic }));

    const external = await keyOf(client, { Origin: 'EXTERNAL' });
    const parameters = await client.send(new GetParametersForImportCommand({ KeyId: external, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
    assert.ok(parameters.ParametersValidTo instanceof Date);
    const wrapping = createPublicKey({ key: Buffer.from(parameters.PublicKey!), format: 'der', type: 'spki' });
    const wrapped = publicEncrypt({ key: wrapping, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32));
    const imported = await client.send(new ImportKeyMaterialCommand({
      KeyId: external, ImportToken: parameters.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    }));
    assert.match(imported.KeyMaterialId!, /^[0-9a-f]{64}$/);
    assert.ok((await client.send(new EncryptCommand({ KeyId: external, Plaintext: Buffer.from('byok') }))).CiphertextBlob);
    const removed = await client.send(new DeleteImportedKeyMaterialCommand({ KeyId: external }));
    assert.equal(removed.KeyMaterialId, imported.KeyMaterialId);
  } finally {
    await kms.close();
  }
});
