/**
 * Which algorithms each key spec supports, per key usage (AWS's asymmetric-key-specs table), in the
 * order KMS lists them in KeyMetadata and GetPublicKey.
 */
import type { EncryptionAlgorithmSpec, KeyAgreementAlgorithmSpec, MacAlgorithmSpec, SigningAlgorithmSpec } from '../model/operations';
import type { KeySpec, KeyUsage } from '../state';

const RSA_SIGNING: SigningAlgorithmSpec[] = [
  'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512',
];
const RSA_ENCRYPTION: EncryptionAlgorithmSpec[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];

const ENCRYPTION: Partial<Record<KeySpec, EncryptionAlgorithmSpec[]>> = {
  SYMMETRIC_DEFAULT: ['SYMMETRIC_DEFAULT'],
  RSA_2048: RSA_ENCRYPTION, RSA_3072: RSA_ENCRYPTION, RSA_4096: RSA_ENCRYPTION,
  SM2: ['SM2PKE'],
};

const SIGNING: Partial<Record<KeySpec, SigningAlgorithmSpec[]>> = {
  RSA_2048: RSA_SIGNING, RSA_3072: RSA_SIGNING, RSA_4096: RSA_SIGNING,
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  ECC_NIST_P384: ['ECDSA_SHA_384'],
  ECC_NIST_P521: ['ECDSA_SHA_512'],
  ECC_SECG_P256K1: ['ECDSA_SHA_256'],
  ECC_NIST_EDWARDS25519: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
  ML_DSA_44: ['ML_DSA_SHAKE_256'], ML_DSA_65: ['ML_DSA_SHAKE_256'], ML_DSA_87: ['ML_DSA_SHAKE_256'],
  SM2: ['SM2DSA'],
};

const MAC: Partial<Record<KeySpec, MacAlgorithmSpec[]>> = {
  HMAC_224: ['HMAC_SHA_224'], HMAC_256: ['HMAC_SHA_256'], HMAC_384: ['HMAC_SHA_384'], HMAC_512: ['HMAC_SHA_512'],
};

const KEY_AGREEMENT: Partial<Record<KeySpec, KeyAgreementAlgorithmSpec[]>> = {
  ECC_NIST_P256: ['ECDH'], ECC_NIST_P384: ['ECDH'], ECC_NIST_P521: ['ECDH'], SM2: ['ECDH'],
};

export interface KeyAlgorithms {
  EncryptionAlgorithms?: EncryptionAlgorithmSpec[];
  SigningAlgorithms?: SigningAlgorithmSpec[];
  MacAlgorithms?: MacAlgorithmSpec[];
  KeyAgreementAlgorithms?: KeyAgreementAlgorithmSpec[];
}

/** The algorithm lists a key of this spec and usage shows (only the one matching its usage). */
export function algorithmsFor(spec: KeySpec, usage: KeyUsage): KeyAlgorithms {
  switch (usage) {
    case 'ENCRYPT_DECRYPT':
      return { EncryptionAlgorithms: ENCRYPTION[spec] ?? [] };
    case 'SIGN_VERIFY':
      return { SigningAlgorithms: SIGNING[spec] ?? [] };
    case 'GENERATE_VERIFY_MAC':
      return { MacAlgorithms: MAC[spec] ?? [] };
    case 'KEY_AGREEMENT':
      return { KeyAgreementAlgorithms: KEY_AGREEMENT[spec] ?? [] };
  }
}

/** Whether a request's algorithm (any string until checked) is in a spec's list. */
function listed(algorithms: readonly string[] | undefined, algorithm: string): boolean {
  return algorithms?.includes(algorithm) ?? false;
}

export function supportsEncryptionAlgorithm(spec: KeySpec, algorithm: string): boolean {
  return listed(ENCRYPTION[spec], algorithm);
}

export function supportsSigningAlgorithm(spec: KeySpec, algorithm: string): boolean {
  return listed(SIGNING[spec], algorithm);
}

export function supportsMacAlgorithm(spec: KeySpec, algorithm: string): boolean {
  return listed(MAC[spec], algorithm);
}

export function supportsKeyAgreementAlgorithm(spec: KeySpec, algorithm: string): boolean {
  return listed(KEY_AGREEMENT[spec], algorithm);
}
