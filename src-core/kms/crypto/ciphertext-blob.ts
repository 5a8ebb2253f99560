/**
 * The symmetric ciphertext blob: a self-describing header that names the key and the key material
 * version, then AES-256-GCM. The header and the encryption context are the GCM AAD, so changing
 * either makes Decrypt fail, and Decrypt finds its key and material without trial decryption.
 *
 *   "KW" ‖ version(1) ‖ account(12 ASCII digits) ‖ keyIdLength(1) ‖ keyId(ASCII) ‖ keyMaterialId(32)
 *   ‖ iv(12) ‖ ciphertext ‖ tag(16)
 *
 * The account and key ID are named, not the Region: a multi-Region replica shares the `mrk-` key ID
 * and its material, so a blob from one Region decrypts with the related key in another.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { isKmsError, KmsError } from '../../kms-error';
import { ACCOUNT_ID_PATTERN } from '../../ids/identifiers';
import { serializeEncryptionContext } from '../../encryption-sdk/encryption-context';
import type { Random } from '../../ports';

const MAGIC = Buffer.from('KW', 'ascii');
const VERSION = 1;
const ACCOUNT_LENGTH = 12;
const MATERIAL_ID_LENGTH = 32;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export interface BlobKeyReference {
  accountId: string;
  keyId: string;
  /** KeyMaterialId: 64 lowercase hex characters. */
  keyMaterialId: string;
}

export interface ParsedBlob extends BlobKeyReference {
  header: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function encodeHeader(ref: BlobKeyReference): Buffer {
  const keyId = Buffer.from(ref.keyId, 'ascii');
  const materialId = Buffer.from(ref.keyMaterialId, 'hex');
  if (ref.accountId.length !== ACCOUNT_LENGTH || keyId.length > 0xff || materialId.length !== MATERIAL_ID_LENGTH) {
    throw new Error('malformed key reference for a ciphertext header');
  }
  return Buffer.concat([MAGIC, Buffer.from([VERSION]), Buffer.from(ref.accountId, 'ascii'), Buffer.from([keyId.length]), keyId, materialId]);
}

/** Headers by key reference: every Encrypt under a key version repeats the same bytes (bounded, read-only). */
const headers = new Map<string, Buffer>();
const HEADERS_KEPT = 1024;

function headerFor(ref: BlobKeyReference): Buffer {
  const id = `${ref.accountId}/${ref.keyId}/${ref.keyMaterialId}`;
  let header = headers.get(id);
  if (!header) {
    header = encodeHeader(ref);
    if (headers.size >= HEADERS_KEPT) headers.clear();
    headers.set(id, header);
  }
  return header;
}

/** Reads a blob's header; undefined when the bytes are not a blob of this format (foreign or truncated). */
export function parseBlob(blob: Uint8Array): ParsedBlob | undefined {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const fixed = MAGIC.length + 1 + ACCOUNT_LENGTH + 1;
  if (b.length < fixed || !b.subarray(0, MAGIC.length).equals(MAGIC) || b[MAGIC.length] !== VERSION) return undefined;
  const accountId = b.toString('ascii', MAGIC.length + 1, MAGIC.length + 1 + ACCOUNT_LENGTH);
  const keyIdLength = b[fixed - 1];
  const headerLength = fixed + keyIdLength + MATERIAL_ID_LENGTH;
  if (!ACCOUNT_ID_PATTERN.test(accountId) || b.length < headerLength + IV_LENGTH + TAG_LENGTH) return undefined;
  return {
    accountId,
    keyId: b.toString('ascii', fixed, fixed + keyIdLength),
    keyMaterialId: b.toString('hex', fixed + keyIdLength, headerLength),
    header: b.subarray(0, headerLength),
    iv: b.subarray(headerLength, headerLength + IV_LENGTH),
    ciphertext: b.subarray(headerLength + IV_LENGTH, b.length - TAG_LENGTH),
    tag: b.subarray(b.length - TAG_LENGTH),
  };
}

/**
 * The encryption context as AAD: pairs sorted by key, each key and value length-prefixed UTF-8
 * (the AWS Encryption SDK's serialisation), so {"a":"bc"} and {"ab":"c"} are different AAD.
 */
export function encryptionContextAad(context: Record<string, string> | undefined): Buffer {
  try {
    return serializeEncryptionContext(context ?? {});
  } catch (e) {
    if (isKmsError(e)) throw new KmsError('ValidationException', 'The encryption context is too large.');
    throw e;
  }
}

/** Encrypts under one version of a key's AES-256 material. */
export function sealBlob(
  ref: BlobKeyReference,
  material: Uint8Array,
  plaintext: Uint8Array,
  context: Record<string, string> | undefined,
  random: Random,
): Uint8Array {
  const header = headerFor(ref);
  // A fresh IV for every blob: a GCM IV must never repeat under one key.
  const iv = random.bytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', material, iv, { authTagLength: TAG_LENGTH });
  const contextAad = encryptionContextAad(context);
  cipher.setAAD(contextAad.length ? Buffer.concat([header, contextAad]) : header);
  // Written in place into the blob (GCM's output is as long as its input) rather than concatenated twice.
  const blob = new Uint8Array(header.length + IV_LENGTH + plaintext.length + TAG_LENGTH);
  blob.set(header);
  blob.set(iv, header.length);
  let at = header.length + IV_LENGTH;
  const body = cipher.update(plaintext);
  blob.set(body, at);
  at += body.length;
  const rest = cipher.final();
  blob.set(rest, at);
  blob.set(cipher.getAuthTag(), at + rest.length);
  return blob;
}

/** Decrypts a parsed blob; InvalidCiphertextException (empty message, as KMS) when it does not authenticate. */
export function openBlob(blob: ParsedBlob, material: Uint8Array, context: Record<string, string> | undefined): Uint8Array {
  const aad = Buffer.concat([blob.header, encryptionContextAad(context)]);
  try {
    const decipher = createDecipheriv('aes-256-gcm', material, blob.iv, { authTagLength: TAG_LENGTH });
    decipher.setAAD(aad);
    decipher.setAuthTag(blob.tag);
    return new Uint8Array(Buffer.concat([decipher.update(blob.ciphertext), decipher.final()]));
  } catch {
    throw new KmsError('InvalidCiphertextException', '');
  }
}
