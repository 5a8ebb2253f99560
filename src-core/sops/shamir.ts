/**
 * Shamir secret sharing over GF(2^8) exactly as sops's shamir/shamir.go (from HashiCorp Vault):
 * each share is the secret's bytes evaluated on random polynomials, followed by its x coordinate
 * (1, 2, … in group order). SOPS splits the data key this way when a file has several key groups.
 */
import type { Random } from '../ports';
import { SopsError } from './sops-error';

/** shamir.go `mult`: multiplication in Rijndael's field, x^8 + x^4 + x^3 + x + 1. */
function mult(a: number, b: number): number {
  let acc = 0;
  for (let i = 7; i >= 0; i--) {
    const bit = (b >> i) & 1;
    acc = ((acc << 1) & 0xff) ^ ((acc >> 7) * 0x1b) ^ (bit * a);
  }
  return acc;
}

/** a^254 = a^-1 (shamir.go `inverse`). */
function inverse(a: number): number {
  let result = 1;
  for (let i = 0; i < 254; i++) result = mult(result, a);
  return result;
}

/** shamir.go `interpolatePolynomial` at x = 0. */
function interpolateAtZero(xs: number[], ys: number[]): number {
  let result = 0;
  for (let i = 0; i < xs.length; i++) {
    let basis = 1;
    for (let j = 0; j < xs.length; j++) {
      if (i === j) continue;
      basis = mult(basis, mult(xs[j], inverse(xs[i] ^ xs[j])));
    }
    result ^= mult(ys[i], basis);
  }
  return result;
}

export function combineShares(parts: Uint8Array[]): Uint8Array {
  if (parts.length < 2) throw new SopsError('no-key', 'at least two Shamir shares are needed');
  const length = parts[0].length;
  if (length < 2 || parts.some((p) => p.length !== length)) throw new SopsError('malformed', 'the Shamir shares of the data key have different lengths');
  const xs = parts.map((p) => p[length - 1]);
  if (new Set(xs).size !== xs.length) throw new SopsError('malformed', 'two Shamir shares of the data key are the same share');
  const secret = new Uint8Array(length - 1);
  for (let i = 0; i < secret.length; i++) secret[i] = interpolateAtZero(xs, parts.map((p) => p[i]));
  return secret;
}

export function splitSecret(secret: Uint8Array, parts: number, threshold: number, random: Random): Uint8Array[] {
  if (threshold < 2 || parts < threshold || parts > 255) throw new SopsError('config', `cannot split the data key into ${parts} shares with threshold ${threshold}`);
  const out = Array.from({ length: parts }, (_, i) => {
    const share = new Uint8Array(secret.length + 1);
    share[secret.length] = i + 1;
    return share;
  });
  secret.forEach((byte, idx) => {
    const coefficients = [byte, ...random.bytes(threshold - 1)];
    for (let i = 0; i < parts; i++) {
      const x = i + 1;
      // Horner's rule, as shamir.go `evaluate`.
      let y = 0;
      for (let c = coefficients.length - 1; c >= 0; c--) y = mult(y, x) ^ coefficients[c];
      out[i][idx] = y;
    }
  });
  return out;
}
