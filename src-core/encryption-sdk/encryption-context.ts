import type { EncryptionContext } from './key-provider';
import { messageError } from './message-error';

/** EC key under which signing suites store the verification key; the `aws-crypto-` prefix is reserved. */
export const PUBLIC_KEY_CONTEXT_KEY = 'aws-crypto-public-key';
const RESERVED_PREFIX = 'aws-crypto-';
const MAX_SERIALIZED = 0xffff;

/** Rejects caller-supplied contexts that the format cannot carry or that collide with reserved keys. */
export function validateUserContext(context: EncryptionContext): void {
  for (const [k, v] of Object.entries(context)) {
    if (typeof v !== 'string') throw messageError('malformed', `encryption context value for "${k}" must be a string`);
    if (k.length === 0) throw messageError('malformed', 'encryption context keys must not be empty');
    if (k.startsWith(RESERVED_PREFIX)) throw messageError('unsupported', `encryption context keys starting with "${RESERVED_PREFIX}" are reserved`);
  }
}

/**
 * The header's AAD field body: `count(2) ‖ (klen(2) k vlen(2) v)*`, pairs sorted by the UTF-8 bytes
 * of their keys (JavaScript's default string order is UTF-16, which differs for astral characters).
 * An empty context serialises to zero bytes; the caller writes the 2-byte length in front.
 */
export function serializeEncryptionContext(context: EncryptionContext): Buffer {
  const entries = Object.entries(context).map(([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')] as const);
  if (entries.length === 0) return Buffer.alloc(0);
  entries.sort((a, b) => Buffer.compare(a[0], b[0]));
  const parts: Buffer[] = [u16(entries.length)];
  for (const [k, v] of entries) {
    if (k.length > 0xffff || v.length > 0xffff) throw messageError('unsupported', 'an encryption context key or value exceeds 65535 bytes');
    parts.push(u16(k.length), k, u16(v.length), v);
  }
  const out = Buffer.concat(parts);
  if (out.length > MAX_SERIALIZED) throw messageError('unsupported', 'the encryption context exceeds 65535 bytes once serialised');
  return out;
}

export function parseEncryptionContext(bytes: Buffer): EncryptionContext {
  const context: EncryptionContext = Object.create(null) as EncryptionContext;
  if (bytes.length === 0) return {};
  const bad = (why: string) => messageError('malformed', `invalid encryption context in header: ${why}`);
  if (bytes.length < 2) throw bad('too short');
  const count = bytes.readUInt16BE(0);
  if (count === 0) throw bad('a non-empty field with zero pairs');
  let at = 2;
  const field = (): string => {
    if (at + 2 > bytes.length) throw bad('length runs past the end');
    const len = bytes.readUInt16BE(at);
    at += 2;
    if (at + len > bytes.length) throw bad('length runs past the end');
    const s = bytes.toString('utf8', at, at + len);
    at += len;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const k = field();
    const v = field();
    if (Object.prototype.hasOwnProperty.call(context, k)) throw bad('duplicate key');
    context[k] = v;
  }
  if (at !== bytes.length) throw bad('bytes left over after the last pair');
  return { ...context };
}

function u16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n, 0);
  return b;
}
