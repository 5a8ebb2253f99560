/**
 * RSA signatures over a digest the caller already computed (MessageType DIGEST). node:crypto
 * hashes whatever it signs, so the padding is built here (PKCS #1 v1.5 DigestInfo, or EMSA-PSS
 * with salt length = digest length and MGF1 over the same hash, as KMS uses) and node:crypto does
 * only the raw RSA operation.
 */
import { constants, createHash, privateEncrypt, publicDecrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Random } from '../../ports';

export type DigestName = 'sha256' | 'sha384' | 'sha512';

// DER DigestInfo prefixes of RFC 8017 §9.2 note 1.
const DIGEST_INFO: Record<DigestName, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

function digestInfo(hash: DigestName, digest: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(DIGEST_INFO[hash], 'hex'), digest]);
}

export function signDigestPkcs1(key: KeyObject, hash: DigestName, digest: Uint8Array): Uint8Array {
  return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo(hash, digest)));
}

export function verifyDigestPkcs1(key: KeyObject, hash: DigestName, digest: Uint8Array, signature: Uint8Array): boolean {
  const recovered = rawPublic(key, signature, constants.RSA_PKCS1_PADDING);
  const expected = digestInfo(hash, digest);
  return recovered !== undefined && recovered.length === expected.length && timingSafeEqual(recovered, expected);
}

function modulusBits(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw new Error('not an RSA key');
  return bits;
}

function mgf1(hash: DigestName, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * seed.length < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function pssHash(hash: DigestName, digest: Uint8Array, salt: Uint8Array): Buffer {
  return createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with sLen = hLen, then the raw private-key operation. */
export function signDigestPss(key: KeyObject, hash: DigestName, digest: Uint8Array, random: Random): Uint8Array {
  const emBits = modulusBits(key) - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = digest.length;
  const salt = random.bytes(hLen);
  const h = pssHash(hash, digest, salt);
  const db = Buffer.alloc(emLen - hLen - 1);
  db[db.length - hLen - 1] = 0x01;
  Buffer.from(salt).copy(db, db.length - hLen);
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
  const k = Math.ceil(modulusBits(key) / 8);
  const block = Buffer.concat([Buffer.alloc(k - emLen), em]);
  return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, block));
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with sLen = hLen. */
export function verifyDigestPss(key: KeyObject, hash: DigestName, digest: Uint8Array, signature: Uint8Array): boolean {
  const bits = modulusBits(key);
  const emBits = bits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = digest.length;
  const block = rawPublic(key, signature, constants.RSA_NO_PADDING);
  if (!block) return false;
  const em = block.subarray(block.length - emLen);
  if (block.length - emLen > 0 && block[0] !== 0) return false;
  if (emLen < 2 * hLen + 2 || em[em.length - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  if (maskedDb[0] & ~(0xff >> (8 * emLen - emBits))) return false;
  const mask = mgf1(hash, h, maskedDb.length);
  const db = Buffer.from(maskedDb.map((b, i) => b ^ mask[i]));
  db[0] &= 0xff >> (8 * emLen - emBits);
  const separator = db.length - hLen - 1;
  for (let i = 0; i < separator; i++) if (db[i] !== 0) return false;
  if (db[separator] !== 0x01) return false;
  const expected = pssHash(hash, digest, db.subarray(separator + 1));
  return timingSafeEqual(expected, h);
}

/** The public-key RSA operation; undefined when the signature is not a valid input for this key. */
function rawPublic(key: KeyObject, signature: Uint8Array, padding: number): Buffer | undefined {
  if (signature.length !== Math.ceil(modulusBits(key) / 8)) return undefined;
  try {
    return publicDecrypt({ key, padding }, signature);
  } catch {
    return undefined;
  }
}
