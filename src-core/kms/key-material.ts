/**
 * Fresh backing material for a key spec: random bytes for symmetric and HMAC keys (from the
 * injected randomness), DER key pairs from node:crypto for asymmetric specs. Asymmetric pairs come
 * from OpenSSL's own generator: node:crypto takes no external randomness for key generation.
 */
import { generateKeyPair, generateKeyPairSync, type RSAKeyPairOptions } from 'node:crypto';
import { KmsError } from '../kms-error';
import { hex } from '../ids/random-ids';
import type { Random } from '../ports';
import type { KeyMaterialRecord, KeySpec } from './state';

/** Secret length in bytes of the specs KMS generates as plain random bytes (HMAC keys are as long as their digest size in bits says). */
const RANDOM_SECRET_BYTES: Partial<Record<KeySpec, number>> = {
  SYMMETRIC_DEFAULT: 32,
  HMAC_224: 28,
  HMAC_256: 32,
  HMAC_384: 48,
  HMAC_512: 64,
};

type PairRequest =
  | { type: 'rsa'; options: { modulusLength: number; publicExponent: number } }
  | { type: 'ec'; options: { namedCurve: string } }
  | { type: 'ed25519'; options: Record<string, never> };

const PAIRS: Partial<Record<KeySpec, PairRequest>> = {
  RSA_2048: { type: 'rsa', options: { modulusLength: 2048, publicExponent: 65537 } },
  RSA_3072: { type: 'rsa', options: { modulusLength: 3072, publicExponent: 65537 } },
  RSA_4096: { type: 'rsa', options: { modulusLength: 4096, publicExponent: 65537 } },
  ECC_NIST_P256: { type: 'ec', options: { namedCurve: 'prime256v1' } },
  ECC_NIST_P384: { type: 'ec', options: { namedCurve: 'secp384r1' } },
  ECC_NIST_P521: { type: 'ec', options: { namedCurve: 'secp521r1' } },
  ECC_SECG_P256K1: { type: 'ec', options: { namedCurve: 'secp256k1' } },
  ECC_NIST_EDWARDS25519: { type: 'ed25519', options: {} },
  SM2: { type: 'ec', options: { namedCurve: 'SM2' } },
};

/** DER SPKI public and PKCS#8 private halves. Typed as RSA options: node's overloads differ only in the type name. */
function pairOptions(pair: PairRequest): RSAKeyPairOptions<'der', 'der'> {
  return { ...(pair.options as { modulusLength: number }), publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } };
}

/** A new KeyMaterialId: 64 lowercase hex characters. */
export function newKeyMaterialId(random: Random): string {
  return hex(random, 32);
}

function unsupported(spec: KeySpec): KmsError {
  return new KmsError('UnsupportedOperationException', `KeySpec ${spec} is not supported by this local KMS: the Node.js runtime cannot generate ${spec} keys.`);
}

function record(random: Random, now: number, secret: Buffer, publicKey?: Buffer): KeyMaterialRecord {
  return {
    id: newKeyMaterialId(random),
    secret: secret.toString('base64'),
    ...(publicKey ? { publicKey: publicKey.toString('base64') } : {}),
    state: 'CURRENT',
    createdAt: now,
  };
}

/** Throws UnsupportedOperationException for a spec this runtime cannot generate (ML-DSA needs a newer Node.js). */
export function assertCanGenerate(spec: KeySpec): void {
  if (RANDOM_SECRET_BYTES[spec] === undefined && PAIRS[spec] === undefined) throw unsupported(spec);
}

/** New CURRENT material for `spec`, generated synchronously. */
export function generateKeyMaterial(spec: KeySpec, random: Random, now: number): KeyMaterialRecord {
  const bytes = RANDOM_SECRET_BYTES[spec];
  if (bytes !== undefined) return record(random, now, Buffer.from(random.bytes(bytes)));
  const pair = PAIRS[spec];
  if (!pair) throw unsupported(spec);
  const { privateKey, publicKey } = generateKeyPairSync(pair.type as 'rsa', pairOptions(pair));
  return record(random, now, privateKey, publicKey);
}

/**
 * The same as generateKeyMaterial, with key-pair generation on libuv's thread pool, so an RSA_4096
 * CreateKey does not stall the extension host's event loop.
 */
export async function generateKeyMaterialAsync(spec: KeySpec, random: Random, now: number): Promise<KeyMaterialRecord> {
  const pair = PAIRS[spec];
  if (!pair) return generateKeyMaterial(spec, random, now);
  const { privateKey, publicKey } = await new Promise<{ privateKey: Buffer; publicKey: Buffer }>((resolve, reject) => {
    generateKeyPair(pair.type as 'rsa', pairOptions(pair), (error, pub, priv) => (error ? reject(error) : resolve({ publicKey: pub, privateKey: priv })));
  });
  return record(random, now, privateKey, publicKey);
}
