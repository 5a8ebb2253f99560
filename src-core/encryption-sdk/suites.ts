/**
 * The AWS Encryption SDK algorithm suites this module reads and writes. We write only the two
 * committing suites (message format v2); the legacy v1 suites are readable when the caller opts in,
 * mirroring the SDK's REQUIRE_ENCRYPT_REQUIRE_DECRYPT default commitment policy.
 */

export type SuiteName =
  | 'AES256_GCM_HKDF_SHA512_COMMIT_KEY'
  | 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384'
  | 'AES128_GCM_IV12_TAG16'
  | 'AES192_GCM_IV12_TAG16'
  | 'AES256_GCM_IV12_TAG16'
  | 'AES128_GCM_IV12_TAG16_HKDF_SHA256'
  | 'AES192_GCM_IV12_TAG16_HKDF_SHA256'
  | 'AES256_GCM_IV12_TAG16_HKDF_SHA256'
  | 'AES128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256'
  | 'AES192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384'
  | 'AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384';

export interface Suite {
  id: number;
  name: SuiteName;
  /** Message format version the suite requires. */
  messageVersion: 1 | 2;
  /** node:crypto cipher name; all suites use 12-byte IVs and 16-byte tags. */
  cipher: 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm';
  keyLength: 16 | 24 | 32;
  /** HKDF hash; undefined means the data key is used as is (legacy NO_KDF suites). */
  kdfHash?: 'sha256' | 'sha384' | 'sha512';
  committing: boolean;
  /** ECDSA curve and hash of the footer signature, when the suite signs. */
  signature?: { curve: 'prime256v1' | 'secp384r1'; jwkCurve: 'P-256' | 'P-384'; hash: 'sha256' | 'sha384' };
}

export const IV_LENGTH = 12;
export const TAG_LENGTH = 16;

const P256 = { curve: 'prime256v1', jwkCurve: 'P-256', hash: 'sha256' } as const;
const P384 = { curve: 'secp384r1', jwkCurve: 'P-384', hash: 'sha384' } as const;

const SUITES: readonly Suite[] = [
  { id: 0x0478, name: 'AES256_GCM_HKDF_SHA512_COMMIT_KEY', messageVersion: 2, cipher: 'aes-256-gcm', keyLength: 32, kdfHash: 'sha512', committing: true },
  { id: 0x0578, name: 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384', messageVersion: 2, cipher: 'aes-256-gcm', keyLength: 32, kdfHash: 'sha512', committing: true, signature: P384 },
  { id: 0x0014, name: 'AES128_GCM_IV12_TAG16', messageVersion: 1, cipher: 'aes-128-gcm', keyLength: 16, committing: false },
  { id: 0x0046, name: 'AES192_GCM_IV12_TAG16', messageVersion: 1, cipher: 'aes-192-gcm', keyLength: 24, committing: false },
  { id: 0x0078, name: 'AES256_GCM_IV12_TAG16', messageVersion: 1, cipher: 'aes-256-gcm', keyLength: 32, committing: false },
  { id: 0x0114, name: 'AES128_GCM_IV12_TAG16_HKDF_SHA256', messageVersion: 1, cipher: 'aes-128-gcm', keyLength: 16, kdfHash: 'sha256', committing: false },
  { id: 0x0146, name: 'AES192_GCM_IV12_TAG16_HKDF_SHA256', messageVersion: 1, cipher: 'aes-192-gcm', keyLength: 24, kdfHash: 'sha256', committing: false },
  { id: 0x0178, name: 'AES256_GCM_IV12_TAG16_HKDF_SHA256', messageVersion: 1, cipher: 'aes-256-gcm', keyLength: 32, kdfHash: 'sha256', committing: false },
  { id: 0x0214, name: 'AES128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256', messageVersion: 1, cipher: 'aes-128-gcm', keyLength: 16, kdfHash: 'sha256', committing: false, signature: P256 },
  { id: 0x0346, name: 'AES192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384', messageVersion: 1, cipher: 'aes-192-gcm', keyLength: 24, kdfHash: 'sha384', committing: false, signature: P384 },
  { id: 0x0378, name: 'AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384', messageVersion: 1, cipher: 'aes-256-gcm', keyLength: 32, kdfHash: 'sha384', committing: false, signature: P384 },
];

/** The suites an encryption may choose; the first is the default (see DEFAULT_SUITE). */
export const WRITABLE_SUITES: readonly SuiteName[] = ['AES256_GCM_HKDF_SHA512_COMMIT_KEY', 'AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384'];

/**
 * Non-signing committed suite by default: the spec allows it when whoever encrypts and whoever
 * decrypts are equally trusted (one developer, one key), and it avoids the SHA-384 pass that caps
 * the signing suite's throughput.
 */
export const DEFAULT_SUITE: SuiteName = 'AES256_GCM_HKDF_SHA512_COMMIT_KEY';

export function suiteById(id: number): Suite | undefined {
  return SUITES.find((s) => s.id === id);
}

export function suiteByName(name: string): Suite | undefined {
  return SUITES.find((s) => s.name === name);
}

/**
 * A writable suite from what a user may type: our names, the SDKs' (`ALG_AES256_GCM_IV12_TAG16_…`),
 * the Encryption CLI's (`AES_256_GCM_…`), in any case, or the hex ID (`0x0478`).
 */
export function parseWritableSuite(text: string): SuiteName | undefined {
  const squash = (s: string) => s.toUpperCase().replace(/^ALG_/, '').replace(/IV12_TAG16_/, '').replace(/_/g, '');
  const id = /^(0x)?[0-9a-f]{4}$/i.test(text) ? Number.parseInt(text.replace(/^0x/i, ''), 16) : undefined;
  return WRITABLE_SUITES.find((name) => squash(name) === squash(text) || suiteByName(name)?.id === id);
}
