/**
 * What the formats need from KMS, and nothing more: three calls. Node hosts implement it over an
 * `@aws-sdk/client-kms` client (src-node/files/kms-adapter.ts), whether that talks to AWS, to
 * `kmsw serve` or to the in-process local keyring; the core never imports the SDK.
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

export interface KmsCrypto {
  /** KMS GenerateDataKey of a 32-byte key, binding `encryptionContext`. */
  generateDataKey(keyId: string, encryptionContext: EncryptionContext): Promise<GeneratedDataKey>;
  /** KMS Encrypt of at most KMS_ENCRYPT_LIMIT bytes. */
  encrypt(keyId: string, plaintext: Uint8Array, encryptionContext: EncryptionContext): Promise<{ ciphertextBlob: Uint8Array; keyArn: string }>;
  /** KMS Decrypt. `keyId` is optional: symmetric ciphertext blobs name their key; when given, KMS refuses any other key. */
  decrypt(ciphertextBlob: Uint8Array, encryptionContext: EncryptionContext, keyId?: string): Promise<{ plaintext: Uint8Array; keyArn: string }>;
}

/** KMS Encrypt accepts at most 4096 bytes of plaintext. */
export const KMS_ENCRYPT_LIMIT = 4096;

/** EDK provider ID of KMS-wrapped data keys, as the SDK's KMS keyrings write it. */
export const KMS_PROVIDER_ID = 'aws-kms';
