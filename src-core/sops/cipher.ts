/**
 * SOPS's value cipher, after aes/cipher.go: AES-256-GCM with a 32-byte IV, the additional data given
 * by the caller, written as `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` in standard base64.
 * Like SOPS's `Cipher.stash`, the IV of every value decrypted is remembered by (additional data,
 * plaintext), so re-encrypting an unchanged value gives back the same ciphertext: diffs show only
 * what changed.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Random } from '../ports';
import { SopsError } from './sops-error';
import { canonicalValue, type SopsValue } from './values';

const IV_BYTES = 32;
const TAG_BYTES = 16;
/** aes/cipher.go `encre` (anchored at the start only, as there). */
const ENC_PATTERN = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;

export interface EncryptedValue {
  data: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  type: string;
}

export function isEncryptedText(text: string): boolean {
  return ENC_PATTERN.test(text);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64(text: string, what: string): Uint8Array {
  if (!BASE64.test(text) || text.length % 4 !== 0) throw new SopsError('malformed', `the ${what} of an encrypted value is not base64`);
  return Buffer.from(text, 'base64');
}

const PREFIX = 'ENC[AES256_GCM,data:';

/** ENC_PATTERN's groups found by position when each separator occurs once (the usual case); otherwise by the pattern itself. */
function encryptedParts(text: string): string[] | null {
  const iv = text.indexOf(',iv:');
  const tag = text.indexOf(',tag:');
  const type = text.indexOf(',type:');
  const end = text.length - 1;
  const unique = text.indexOf(',iv:', iv + 1) < 0 && text.indexOf(',tag:', tag + 1) < 0 && text.indexOf(',type:', type + 1) < 0 && text.indexOf(']', type) === end;
  if (text.startsWith(PREFIX) && iv > PREFIX.length && tag > iv + 4 && type > tag + 5 && end > type + 6 && unique && !text.includes('\n')) {
    return [text, text.slice(PREFIX.length, iv), text.slice(iv + 4, tag), text.slice(tag + 5, type), text.slice(type + 6, end)];
  }
  return ENC_PATTERN.exec(text);
}

export function parseEncrypted(text: string): EncryptedValue {
  const m = encryptedParts(text);
  if (!m) throw new SopsError('malformed', 'a value is not in SOPS\'s ENC[AES256_GCM,…] form');
  return { data: base64(m[1], 'data'), iv: base64(m[2], 'iv'), tag: base64(m[3], 'tag'), type: m[4] };
}

/** aes/cipher.go's output form. */
function encText(data: Uint8Array, iv: Uint8Array, tag: Uint8Array, type: string): string {
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(tag)},type:${type}]`;
}

function stashKey(additionalData: string, value: SopsValue): string {
  return `${additionalData}\u0000${value.type}\u0000${value.text}`;
}

/** A remembered IV, and the ENC text it gave when that is exactly what `encrypt` would write again. */
interface Stashed {
  iv: Uint8Array;
  written?: string;
}

const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

export class ValueCipher {
  private readonly stash = new Map<string, Stashed>();

  constructor(
    private readonly key: Uint8Array,
    private readonly random: Random,
  ) {
    if (key.length !== 32) throw new SopsError('malformed', 'the SOPS data key is not 32 bytes');
  }

  /** `Cipher.Decrypt`: the empty string stays empty; anything else must authenticate under `additionalData`. */
  decrypt(text: string, additionalData: string, what: () => string): SopsValue {
    if (text === '') return { type: 'str', text: '' };
    const enc = parseEncrypted(text);
    if (enc.tag.length !== TAG_BYTES || enc.iv.length === 0) throw new SopsError('tampered', `${what()} does not authenticate (bad IV or tag length)`);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, enc.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(additionalData, 'utf8'));
      decipher.setAuthTag(enc.tag);
      plain = Buffer.concat([decipher.update(enc.data), decipher.final()]);
    } catch (e) {
      throw new SopsError('tampered', `${what()} does not authenticate: it was changed, moved, or encrypted with another data key`, { cause: e });
    }
    const decoded = plain.toString('utf8');
    const value = enc.type === 'comment' ? { type: 'str' as const, text: decoded } : canonicalValue(enc.type, decoded);
    // AES-GCM under the same key, IV and additional data is deterministic: when the file's text is
    // the canonical form of this very plaintext, encrypting it again would write these same bytes.
    const canonical = value.text === decoded && text === encText(enc.data, enc.iv, enc.tag, enc.type);
    this.stash.set(stashKey(additionalData, enc.type === 'comment' ? { type: 'comment' as never, text: value.text } : value), canonical ? { iv: enc.iv, written: text } : { iv: enc.iv });
    return value;
  }

  /** `Cipher.Encrypt`: a value seen before with the same additional data keeps its IV. */
  encrypt(value: SopsValue, additionalData: string, comment = false): string {
    if (value.text === '' && value.type === 'str') return '';
    const key = stashKey(additionalData, comment ? { type: 'comment' as never, text: value.text } : value);
    let stashed = this.stash.get(key);
    if (stashed?.written) return stashed.written;
    if (!stashed) {
      // Unlike sops, remember new IVs too, so saving the same edit twice writes the same ciphertext.
      stashed = { iv: this.random.bytes(IV_BYTES) };
      this.stash.set(key, stashed);
    }
    const cipher = createCipheriv('aes-256-gcm', this.key, stashed.iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(additionalData, 'utf8'));
    const data = Buffer.concat([cipher.update(value.text, 'utf8'), cipher.final()]);
    stashed.written = encText(data, stashed.iv, cipher.getAuthTag(), comment ? 'comment' : value.type);
    return stashed.written;
  }
}
