/**
 * ECDSA over a digest the caller already computed (Sign/Verify with MessageType DIGEST).
 * node:crypto always hashes the input it signs, so this path does the curve arithmetic itself on
 * BigInt; RAW messages still go through node:crypto. Signatures are DER SEQUENCE{r, s}, as KMS returns.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { Random } from '../../ports';

interface Curve {
  p: bigint;
  a: bigint;
  b: bigint;
  n: bigint;
  gx: bigint;
  gy: bigint;
}

// Domain parameters as printed by `openssl ecparam -name <curve> -param_enc explicit -text`.
const CURVES: Record<string, Curve> = {
  prime256v1: {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  },
  secp384r1: {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
  },
  secp521r1: {
    p: 0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffn,
    a: 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffcn,
    b: 0x51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    n: 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    gx: 0xc6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x11839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
  },
  secp256k1: {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn,
    a: 0n,
    b: 7n,
    n: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
    gx: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
    gy: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
  },
};

/** Jacobian point (X/Z², Y/Z³); Z = 0 is the point at infinity. */
type Jacobian = [bigint, bigint, bigint];

function mod(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

function invert(x: bigint, m: bigint): bigint {
  let [a, b, u, v] = [mod(x, m), m, 1n, 0n];
  while (a !== 0n) {
    const q = b / a;
    [a, b] = [b - q * a, a];
    [u, v] = [v - q * u, u];
  }
  return mod(v, m);
}

function double(c: Curve, [x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return [0n, 1n, 0n];
  const { p } = c;
  const yy = mod(y * y, p);
  const s = mod(4n * x * yy, p);
  const zz = mod(z * z, p);
  const m = mod(3n * x * x + c.a * zz * zz, p);
  const x3 = mod(m * m - 2n * s, p);
  const y3 = mod(m * (s - x3) - 8n * yy * yy, p);
  return [x3, y3, mod(2n * y * z, p)];
}

function add(c: Curve, a: Jacobian, b: Jacobian): Jacobian {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const { p } = c;
  const z1z1 = mod(a[2] * a[2], p);
  const z2z2 = mod(b[2] * b[2], p);
  const u1 = mod(a[0] * z2z2, p);
  const u2 = mod(b[0] * z1z1, p);
  const s1 = mod(a[1] * b[2] * z2z2, p);
  const s2 = mod(b[1] * a[2] * z1z1, p);
  if (u1 === u2) return s1 === s2 ? double(c, a) : [0n, 1n, 0n];
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const hh = mod(h * h, p);
  const hhh = mod(h * hh, p);
  const v = mod(u1 * hh, p);
  const x3 = mod(r * r - hhh - 2n * v, p);
  const y3 = mod(r * (v - x3) - s1 * hhh, p);
  return [x3, y3, mod(a[2] * b[2] * h, p)];
}

function multiply(c: Curve, point: Jacobian, k: bigint): Jacobian {
  let result: Jacobian = [0n, 1n, 0n];
  let addend = point;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(c, result, addend);
    addend = double(c, addend);
  }
  return result;
}

function affineX(c: Curve, [x, , z]: Jacobian): bigint | undefined {
  if (z === 0n) return undefined;
  const zi = invert(z, c.p);
  return mod(x * zi * zi, c.p);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function bitLength(x: bigint): number {
  return x.toString(2).length;
}

/** The digest as an integer, truncated to the order's bit length (SEC 1 §4.1.3 step 5). */
function digestToInteger(c: Curve, digest: Uint8Array): bigint {
  const e = bytesToBigInt(digest);
  const excess = digest.length * 8 - bitLength(c.n);
  return excess > 0 ? e >> BigInt(excess) : e;
}

function fromBase64Url(text: string | undefined): bigint {
  return bytesToBigInt(Buffer.from(text ?? '', 'base64url'));
}

function curveOf(key: KeyObject): Curve {
  const name = key.asymmetricKeyDetails?.namedCurve;
  const curve = name ? CURVES[name] : undefined;
  if (!curve) throw new Error(`no prehashed ECDSA for curve ${name ?? 'unknown'}`);
  return curve;
}

// DER INTEGER encoding of a non-negative value (a leading 0x00 keeps it positive).
function derInteger(x: bigint): Buffer {
  let hex = x.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let body = Buffer.from(hex, 'hex');
  if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02]), derLength(body.length), body]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  return n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
}

function encodeSignature(r: bigint, s: bigint): Uint8Array {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]));
}

/** Parses DER SEQUENCE{INTEGER r, INTEGER s} strictly; undefined when it is anything else. */
function decodeSignature(sig: Uint8Array): { r: bigint; s: bigint } | undefined {
  const b = Buffer.from(sig);
  let at = 0;
  const length = (): number | undefined => {
    const first = b[at++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n < 1 || n > 2 || at + n > b.length) return undefined;
    let len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | b[at++];
    return len;
  };
  if (b[at++] !== 0x30) return undefined;
  const seqLen = length();
  if (seqLen === undefined || at + seqLen !== b.length) return undefined;
  const integer = (): bigint | undefined => {
    if (b[at++] !== 0x02) return undefined;
    const len = length();
    if (len === undefined || len === 0 || at + len > b.length) return undefined;
    const body = b.subarray(at, at + len);
    at += len;
    if (body[0] & 0x80) return undefined;
    return bytesToBigInt(body);
  };
  const r = integer();
  const s = integer();
  if (r === undefined || s === undefined || at !== b.length) return undefined;
  return { r, s };
}

/** Signs `digest` with an EC private key (DER PKCS#8 or a KeyObject); k comes from `random`. */
export function signDigestEcdsa(privateKey: KeyObject | Uint8Array, digest: Uint8Array, random: Random): Uint8Array {
  const key = privateKey instanceof Uint8Array ? createPrivateKey({ key: Buffer.from(privateKey), format: 'der', type: 'pkcs8' }) : privateKey;
  const c = curveOf(key);
  const d = fromBase64Url(key.export({ format: 'jwk' }).d);
  const e = digestToInteger(c, digest);
  const byteLength = Math.ceil(bitLength(c.n) / 8) + 8;
  for (;;) {
    // Oversampling by 64 bits makes the reduction mod n negligibly biased.
    const k = mod(bytesToBigInt(random.bytes(byteLength)), c.n);
    if (k === 0n) continue;
    const x = affineX(c, multiply(c, [c.gx, c.gy, 1n], k));
    if (x === undefined) continue;
    const r = mod(x, c.n);
    if (r === 0n) continue;
    const s = mod(invert(k, c.n) * (e + r * d), c.n);
    if (s === 0n) continue;
    return encodeSignature(r, s);
  }
}

/** Verifies a DER ECDSA signature over `digest` with an EC public key (DER SPKI or a KeyObject). */
export function verifyDigestEcdsa(publicKey: KeyObject | Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
  const key = publicKey instanceof Uint8Array ? createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' }) : publicKey;
  const c = curveOf(key);
  const parsed = decodeSignature(signature);
  if (!parsed) return false;
  const { r, s } = parsed;
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const jwk = key.export({ format: 'jwk' });
  const q: Jacobian = [fromBase64Url(jwk.x), fromBase64Url(jwk.y), 1n];
  const w = invert(s, c.n);
  const u1 = mod(digestToInteger(c, digest) * w, c.n);
  const u2 = mod(r * w, c.n);
  const x = affineX(c, add(c, multiply(c, [c.gx, c.gy, 1n], u1), multiply(c, q, u2)));
  return x !== undefined && mod(x, c.n) === r;
}
