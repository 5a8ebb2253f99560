/** HMAC for GenerateMac / VerifyMac. */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HASH: Record<string, string> = {
  HMAC_SHA_224: 'sha224',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
};

export function computeMac(algorithm: string, key: Uint8Array, message: Uint8Array): Uint8Array {
  const hash = HASH[algorithm];
  if (!hash) throw new Error(`unknown MAC algorithm ${algorithm}`);
  return new Uint8Array(createHmac(hash, key).update(message).digest());
}

/** Constant-time comparison of a presented MAC with the one computed here. */
export function macMatches(algorithm: string, key: Uint8Array, message: Uint8Array, mac: Uint8Array): boolean {
  const expected = computeMac(algorithm, key, message);
  return expected.length === mac.length && timingSafeEqual(expected, mac);
}
