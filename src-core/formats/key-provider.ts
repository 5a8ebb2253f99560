/**
 * What the formats need from KMS, and nothing more. The extension and the CLI implement these over
 * an `@aws-sdk/client-kms` client (src-node/files/kms-client-provider.ts), whether it talks to AWS or
 * to the in-process local keyring; tests implement them over an in-memory fake.
 */

export type EncryptionContext = Record<string, string>;

export interface GeneratedDataKey {
  /** The plaintext data key. The caller zeroes it after use. */
  plaintextKey: Uint8Array;
  /** The KMS ciphertext blob of the data key, stored in the message. */
  encryptedKey: Uint8Array;
  /** ARN of the KMS key that produced `encryptedKey`; stored as the EDK provider info. */
  keyArn: string;
}

export interface DataKeyProvider {
  /** KMS GenerateDataKey with a 32-byte key, binding `encryptionContext`. */
  generateDataKey(keyId: string, encryptionContext: EncryptionContext): Promise<GeneratedDataKey>;
  /** KMS Decrypt of an encrypted data key under the key `keyArn`, with the same context. */
  decryptDataKey(encryptedKey: Uint8Array, keyArn: string, encryptionContext: EncryptionContext): Promise<Uint8Array>;
}

/** Single-call KMS Encrypt/Decrypt, for plaintexts of at most KMS_ENCRYPT_LIMIT bytes. */
export interface TextCipher {
  encrypt(keyId: string, plaintext: Uint8Array, encryptionContext: EncryptionContext): Promise<{ ciphertextBlob: Uint8Array; keyArn: string }>;
  /** `keyId` is optional: symmetric KMS ciphertext blobs name their key. */
  decrypt(ciphertextBlob: Uint8Array, encryptionContext: EncryptionContext, keyId?: string): Promise<{ plaintext: Uint8Array; keyArn: string }>;
}

/** KMS Encrypt accepts at most 4096 bytes of plaintext. */
export const KMS_ENCRYPT_LIMIT = 4096;

/** EDK provider ID of KMS-wrapped data keys, as the SDK's KMS keyrings write it. */
export const KMS_PROVIDER_ID = 'aws-kms';
