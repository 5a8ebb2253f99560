/**
 * The formats' three KMS calls over an `@aws-sdk/client-kms` client: real AWS, `kmsw serve` through
 * `endpoint`, or the in-process local keyring (createLocalKmsClient). SDK exceptions keep their AWS
 * name as KmsErrors so the CLI and the extension show them like any other KMS failure.
 */
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { KmsError, type KmsErrorName } from '../../src-core/kms-error';
import type { EncryptionContext, KmsCrypto } from '../../src-core/encryption-sdk/key-provider';

/** Empty contexts are left out of the request, as the AWS CLI does. */
function contextOf(context: EncryptionContext): EncryptionContext | undefined {
  return Object.keys(context).length ? context : undefined;
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof KmsError || !(e instanceof Error)) throw e;
    // SDK service exceptions carry the AWS name; network and credential failures keep theirs too.
    const httpStatus = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    throw new KmsError(e.name as KmsErrorName, e.message, { httpStatus, cause: e });
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new KmsError('KMSInternalException', `KMS returned no ${what}`);
  return value;
}

export function kmsFromClient(client: KMSClient): KmsCrypto {
  return {
    generateDataKey: (keyId, context) =>
      call(async () => {
        const out = await client.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 32, EncryptionContext: contextOf(context) }));
        return { plaintextKey: required(out.Plaintext, 'Plaintext'), encryptedKey: required(out.CiphertextBlob, 'CiphertextBlob'), keyArn: required(out.KeyId, 'KeyId') };
      }),
    encrypt: (keyId, plaintext, context) =>
      call(async () => {
        const out = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: contextOf(context) }));
        return { ciphertextBlob: required(out.CiphertextBlob, 'CiphertextBlob'), keyArn: required(out.KeyId, 'KeyId') };
      }),
    decrypt: (ciphertextBlob, context, keyId) =>
      call(async () => {
        const out = await client.send(new DecryptCommand({ CiphertextBlob: ciphertextBlob, EncryptionContext: contextOf(context), KeyId: keyId }));
        return { plaintext: required(out.Plaintext, 'Plaintext'), keyArn: required(out.KeyId, 'KeyId') };
      }),
  };
}
