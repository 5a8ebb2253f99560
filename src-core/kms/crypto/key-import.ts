/**
 * Bring-your-own-key: unwrapping material wrapped under a GetParametersForImport public key, and
 * checking it fits the key spec. RSAES_OAEP_* wraps the material directly; RSA_AES_KEY_WRAP_*
 * wraps an ephemeral AES key with OAEP and the material with AES Key Wrap with Padding (RFC 5649),
 * which is what `openssl enc -id-aes256-wrap-pad` and AWS's import examples produce.
 */
import { constants, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, privateDecrypt, type KeyObject } from 'node:crypto';
import { KmsError } from '../../kms-error';
import type { KeySpec } from '../state';

const OAEP_HASH: Record<string, 'sha1' | 'sha256'> = {
  RSAES_OAEP_SHA_1: 'sha1',
  RSAES_OAEP_SHA_256: 'sha256',
  RSA_AES_KEY_WRAP_SHA_1: 'sha1',
  RSA_AES_KEY_WRAP_SHA_256: 'sha256',
};

/** RFC 5649 alternative initial value: the IV node:crypto's `id-aes*-wrap-pad` ciphers expect. */
const KWP_IV = Buffer.from('a65959a6', 'hex');

/** Whether a wrapping algorithm can be unwrapped here (RSAES_PKCS1_V1_5 is retired by AWS; SM2PKE is China-only). */
export function isSupportedWrappingAlgorithm(algorithm: string): boolean {
  return OAEP_HASH[algorithm] !== undefined;
}

function invalidCiphertext(): KmsError {
  return new KmsError('InvalidCiphertextException', 'The wrapped key material could not be decrypted with the import parameters.');
}

function oaepDecrypt(key: KeyObject, hash: 'sha1' | 'sha256', data: Uint8Array): Buffer {
  try {
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
  } catch {
    throw invalidCiphertext();
  }
}

/** Recovers the plaintext key material; InvalidCiphertextException when it was not wrapped for this wrapping key. */
export function unwrapKeyMaterial(wrappingPkcs8: Uint8Array, algorithm: string, wrapped: Uint8Array): Uint8Array {
  const hash = OAEP_HASH[algorithm];
  if (!hash) throw new KmsError('UnsupportedOperationException', `Wrapping algorithm ${algorithm} is not supported.`);
  const key = createPrivateKey({ key: Buffer.from(wrappingPkcs8), format: 'der', type: 'pkcs8' });
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (algorithm.startsWith('RSAES_OAEP')) {
    if (wrapped.length !== modulusBytes) throw invalidCiphertext();
    return new Uint8Array(oaepDecrypt(key, hash, wrapped));
  }
  if (wrapped.length <= modulusBytes) throw invalidCiphertext();
  const aesKey = oaepDecrypt(key, hash, wrapped.subarray(0, modulusBytes));
  if (![16, 24, 32].includes(aesKey.length)) throw invalidCiphertext();
  try {
    const decipher = createDecipheriv(`id-aes${aesKey.length * 8}-wrap-pad`, aesKey, KWP_IV);
    return new Uint8Array(Buffer.concat([decipher.update(wrapped.subarray(modulusBytes)), decipher.final()]));
  } catch {
    throw invalidCiphertext();
  }
}

/** Accepted material lengths in bytes for symmetric and HMAC specs. */
const SECRET_LENGTHS: Partial<Record<KeySpec, [number, number]>> = {
  SYMMETRIC_DEFAULT: [32, 32],
  HMAC_224: [28, 64],
  HMAC_256: [32, 64],
  HMAC_384: [48, 128],
  HMAC_512: [64, 128],
};

/** What a DER PKCS#8 private key of each asymmetric spec must be. */
const PRIVATE_KEYS: Partial<Record<KeySpec, (k: KeyObject) => boolean>> = {
  RSA_2048: (k) => k.asymmetricKeyType === 'rsa' && k.asymmetricKeyDetails?.modulusLength === 2048,
  RSA_3072: (k) => k.asymmetricKeyType === 'rsa' && k.asymmetricKeyDetails?.modulusLength === 3072,
  RSA_4096: (k) => k.asymmetricKeyType === 'rsa' && k.asymmetricKeyDetails?.modulusLength === 4096,
  ECC_NIST_P256: (k) => k.asymmetricKeyDetails?.namedCurve === 'prime256v1',
  ECC_NIST_P384: (k) => k.asymmetricKeyDetails?.namedCurve === 'secp384r1',
  ECC_NIST_P521: (k) => k.asymmetricKeyDetails?.namedCurve === 'secp521r1',
  ECC_SECG_P256K1: (k) => k.asymmetricKeyDetails?.namedCurve === 'secp256k1',
  ECC_NIST_EDWARDS25519: (k) => k.asymmetricKeyType === 'ed25519',
};

function incorrectMaterial(spec: KeySpec, why: string): KmsError {
  return new KmsError('IncorrectKeyMaterialException', `The key material is not valid for key spec ${spec}: ${why}.`);
}

export interface CheckedMaterial {
  /** DER SPKI public key of asymmetric material. */
  publicKey?: Uint8Array;
  /**
   * What identifies the material for the same-material rule: the bytes of a symmetric or HMAC key;
   * the public key of a key pair, so the same private key in another valid PKCS #8 encoding
   * (with or without the optional public key field) counts as the same material.
   */
  identity: Uint8Array;
}

/** Checks material against the key spec. */
export function checkImportedMaterial(spec: KeySpec, material: Uint8Array): CheckedMaterial {
  const lengths = SECRET_LENGTHS[spec];
  if (lengths) {
    const [min, max] = lengths;
    if (material.length < min || material.length > max) {
      throw incorrectMaterial(spec, min === max ? `it must be ${min} bytes` : `it must be ${min} to ${max} bytes`);
    }
    return { identity: material };
  }
  const fits = PRIVATE_KEYS[spec];
  if (!fits) throw new KmsError('UnsupportedOperationException', `Importing key material for key spec ${spec} is not supported by the local KMS.`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(material), format: 'der', type: 'pkcs8' });
  } catch {
    throw incorrectMaterial(spec, 'it must be a DER-encoded PKCS #8 private key');
  }
  if (!fits(key)) throw incorrectMaterial(spec, 'the private key is of another type or size');
  const publicKey = new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }));
  return { publicKey, identity: publicKey };
}

/** SHA-256 of the material's identity, base64: how a re-import is recognised as the same material. */
export function materialFingerprint(identity: Uint8Array): string {
  return createHash('sha256').update(identity).digest('base64');
}

/**
 * The KeyMaterialId of imported material: derived from the material's identity and the key ID (not random), so
 * the same material imported into related multi-Region keys gets the same ID and their blobs agree.
 */
export function importedMaterialId(keyId: string, identity: Uint8Array): string {
  return createHmac('sha256', identity).update(`kms-workbench/imported-key-material/${keyId}`).digest('hex');
}
