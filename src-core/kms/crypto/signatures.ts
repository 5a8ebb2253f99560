/**
 * Sign and Verify for every signing algorithm Node can compute faithfully. RAW messages are
 * hashed and signed by node:crypto; DIGEST input is signed as given (the prehashed modules), so a
 * RAW signature verifies as its DIGEST and the reverse, as in KMS.
 */
import { constants, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { KmsError } from '../../kms-error';
import type { Random } from '../../ports';
import { signDigestEcdsa, verifyDigestEcdsa } from './ecdsa-prehashed';
import { signDigestPkcs1, signDigestPss, verifyDigestPkcs1, verifyDigestPss, type DigestName } from './rsa-prehashed';

export type MessageType = 'RAW' | 'DIGEST' | 'EXTERNAL_MU';

interface Scheme {
  family: 'pkcs1' | 'pss' | 'ecdsa' | 'ed25519';
  hash: DigestName;
}

const SCHEMES: Record<string, Scheme> = {
  RSASSA_PKCS1_V1_5_SHA_256: { family: 'pkcs1', hash: 'sha256' },
  RSASSA_PKCS1_V1_5_SHA_384: { family: 'pkcs1', hash: 'sha384' },
  RSASSA_PKCS1_V1_5_SHA_512: { family: 'pkcs1', hash: 'sha512' },
  RSASSA_PSS_SHA_256: { family: 'pss', hash: 'sha256' },
  RSASSA_PSS_SHA_384: { family: 'pss', hash: 'sha384' },
  RSASSA_PSS_SHA_512: { family: 'pss', hash: 'sha512' },
  ECDSA_SHA_256: { family: 'ecdsa', hash: 'sha256' },
  ECDSA_SHA_384: { family: 'ecdsa', hash: 'sha384' },
  ECDSA_SHA_512: { family: 'ecdsa', hash: 'sha512' },
  ED25519_SHA_512: { family: 'ed25519', hash: 'sha512' },
};

const DIGEST_LENGTH: Record<DigestName, number> = { sha256: 32, sha384: 48, sha512: 64 };

/**
 * The scheme of a signing algorithm for this message type, after the input checks KMS makes;
 * UnsupportedOperationException for algorithms Node cannot compute (ML-DSA, SM2DSA, Ed25519ph).
 */
function schemeFor(algorithm: string, messageType: MessageType, message: Uint8Array): Scheme {
  const scheme = SCHEMES[algorithm];
  if (!scheme) throw new KmsError('UnsupportedOperationException', `Signing algorithm ${algorithm} is not supported by the local KMS.`);
  if (messageType === 'EXTERNAL_MU') {
    throw new KmsError('ValidationException', `MessageType EXTERNAL_MU is not valid for signing algorithm ${algorithm}.`);
  }
  if (scheme.family === 'ed25519' && messageType !== 'RAW') {
    throw new KmsError('ValidationException', `MessageType ${messageType} is not valid for signing algorithm ${algorithm}.`);
  }
  if (messageType === 'DIGEST' && message.length !== DIGEST_LENGTH[scheme.hash]) {
    throw new KmsError('ValidationException', `Digest is invalid length for algorithm ${algorithm}.`);
  }
  return scheme;
}

/** Throws the ValidationException / UnsupportedOperationException KMS gives for this input, before any key work. */
export function checkSigningInput(algorithm: string, messageType: MessageType, message: Uint8Array): void {
  schemeFor(algorithm, messageType, message);
}

function privateKeyObject(pkcs8: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(spki: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
}

/** Signs with a DER PKCS#8 private key. RSA and ECDSA signatures come out as KMS returns them (raw / DER). */
export function signMessage(pkcs8: Uint8Array, algorithm: string, messageType: MessageType, message: Uint8Array, random: Random): Uint8Array {
  const scheme = schemeFor(algorithm, messageType, message);
  const key = privateKeyObject(pkcs8);
  if (scheme.family === 'ed25519') return new Uint8Array(sign(null, message, key));
  if (messageType === 'RAW') {
    if (scheme.family === 'pss') {
      return new Uint8Array(sign(scheme.hash, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_LENGTH[scheme.hash] }));
    }
    return new Uint8Array(sign(scheme.hash, message, { key, dsaEncoding: 'der' }));
  }
  switch (scheme.family) {
    case 'pkcs1':
      return signDigestPkcs1(key, scheme.hash, message);
    case 'pss':
      return signDigestPss(key, scheme.hash, message, random);
    case 'ecdsa':
      return signDigestEcdsa(key, message, random);
  }
}

/** Whether `signature` is valid for the message under a DER SPKI public key. */
export function verifyMessage(spki: Uint8Array, algorithm: string, messageType: MessageType, message: Uint8Array, signature: Uint8Array): boolean {
  const scheme = schemeFor(algorithm, messageType, message);
  const key = publicKeyObject(spki);
  if (scheme.family === 'ed25519') return verify(null, message, key, signature);
  if (messageType === 'RAW') {
    const padding = scheme.family === 'pss' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_LENGTH[scheme.hash] } : {};
    return verify(scheme.hash, message, { key, dsaEncoding: 'der', ...padding }, signature);
  }
  switch (scheme.family) {
    case 'pkcs1':
      return verifyDigestPkcs1(key, scheme.hash, message, signature);
    case 'pss':
      return verifyDigestPss(key, scheme.hash, message, signature);
    case 'ecdsa':
      return verifyDigestEcdsa(key, message, signature);
  }
}
