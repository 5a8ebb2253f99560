/**
 * RSA encryption as KMS does it: standard RSAES-OAEP with the same hash for MGF1 and an empty label,
 * so ciphertext made offline with the public key (OpenSSL, node:crypto, any SDK) decrypts in KMS.
 */
import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt } from 'node:crypto';
import { KmsError } from '../../kms-error';

const OAEP_HASH: Record<string, { name: 'sha1' | 'sha256'; length: number }> = {
  RSAES_OAEP_SHA_1: { name: 'sha1', length: 20 },
  RSAES_OAEP_SHA_256: { name: 'sha256', length: 32 },
};

function oaepHash(algorithm: string): { name: 'sha1' | 'sha256'; length: number } {
  const hash = OAEP_HASH[algorithm];
  if (!hash) throw new KmsError('UnsupportedOperationException', `Encryption algorithm ${algorithm} is not supported by the local KMS.`);
  return hash;
}

/** Largest plaintext OAEP can carry: modulus bytes − 2·hash bytes − 2 (RSA_2048 with SHA-256: 190). */
export function maxOaepPlaintext(modulusBytes: number, algorithm: string): number {
  return modulusBytes - 2 * oaepHash(algorithm).length - 2;
}

/** Encrypts under a DER SPKI public key; ValidationException with AWS's text when the plaintext is too large. */
export function encryptOaep(spki: Uint8Array, keySpec: string, algorithm: string, plaintext: Uint8Array): Uint8Array {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const limit = maxOaepPlaintext(modulusBytes, algorithm);
  if (plaintext.length > limit) {
    throw new KmsError('ValidationException', `Algorithm ${algorithm} and key spec ${keySpec} cannot encrypt data larger than ${limit} bytes.`);
  }
  return new Uint8Array(publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm).name }, plaintext));
}

/** Decrypts with a DER PKCS#8 private key; InvalidCiphertextException when the ciphertext does not decode. */
export function decryptOaep(pkcs8: Uint8Array, algorithm: string, ciphertext: Uint8Array): Uint8Array {
  const hash = oaepHash(algorithm);
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  if (ciphertext.length !== Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8)) throw new KmsError('InvalidCiphertextException', '');
  try {
    return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash.name }, ciphertext));
  } catch {
    throw new KmsError('InvalidCiphertextException', '');
  }
}
