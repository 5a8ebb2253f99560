/**
 * Encrypting a piece of text (an editor selection) into one base64 string, in one of two forms that
 * other tools read:
 * - a KMS ciphertext blob, exactly what `aws kms encrypt` prints, for text of at most 4 KB with no
 *   encryption context (the blob cannot carry a context, and the context must not have to be typed
 *   again to decrypt);
 * - otherwise an AWS Encryption SDK message (envelope encryption: one GenerateDataKey, AES-GCM
 *   locally), which stores the context and has no size limit.
 * decryptText tells the two apart by their first bytes: an ESDK message starts with its version and a
 * known suite ID, which no KMS blob does.
 */
import { messageError } from './message-error';
import { KMS_ENCRYPT_LIMIT, type EncryptionContext, type KmsCrypto } from './key-provider';
import { collect, decryptStream, encryptStream, fromBytes, type MessageInfo } from './message';
import { PUBLIC_KEY_CONTEXT_KEY } from './encryption-context';
import { suiteById, type SuiteName } from './suites';
import type { Random } from '../ports';

export interface EncryptTextOptions {
  keyId: string;
  plaintext: string;
  context?: EncryptionContext;
  /** For the envelope form's message ID and signing key. */
  random: Random;
  /** Suite of the envelope form (default: the non-signing committed suite). */
  suite?: SuiteName;
}

export type TextForm = 'kms-ciphertext' | 'encryption-sdk';

export interface DecryptedText {
  plaintext: string;
  form: TextForm;
  /** ARN of the KMS key that decrypted it. */
  keyArn: string;
  /** The context the text was bound to (the ESDK's reserved verification key left out). */
  encryptionContext: EncryptionContext;
}

export interface DecryptTextOptions {
  /**
   * For a KMS blob: the context it was encrypted with (a blob does not store it). For an ESDK message:
   * pairs it must carry.
   */
  context?: EncryptionContext;
}

export async function encryptText(kms: KmsCrypto, options: EncryptTextOptions): Promise<string> {
  const bytes = Buffer.from(options.plaintext, 'utf8');
  const context = options.context ?? {};
  if (bytes.length <= KMS_ENCRYPT_LIMIT && Object.keys(context).length === 0) {
    try {
      const { ciphertextBlob } = await kms.encrypt(options.keyId, bytes, context);
      return Buffer.from(ciphertextBlob).toString('base64');
    } finally {
      bytes.fill(0);
    }
  }
  try {
    const message = await collect(encryptStream(fromBytes(bytes), { kms, random: options.random, keyId: options.keyId, encryptionContext: context, suite: options.suite }));
    return message.toString('base64');
  } finally {
    bytes.fill(0);
  }
}

export async function decryptText(kms: KmsCrypto, base64: string, options: DecryptTextOptions = {}): Promise<DecryptedText> {
  const bytes = decodeBase64(base64);
  if (isEncryptionSdkMessage(bytes)) {
    let info: MessageInfo | undefined;
    const plaintext = await collect(decryptStream(fromBytes(bytes), { kms, requiredContext: options.context, onHeader: (i) => (info = i) }));
    const encryptionContext = { ...info?.encryptionContext };
    delete encryptionContext[PUBLIC_KEY_CONTEXT_KEY];
    // Only KMS EDKs are tried and the message has at least one, so a key ARN is always known here.
    return { plaintext: utf8(plaintext), form: 'encryption-sdk', keyArn: info?.keyArns[0] ?? '', encryptionContext };
  }
  const context = options.context ?? {};
  const { plaintext, keyArn } = await kms.decrypt(bytes, context);
  return { plaintext: utf8(Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength)), form: 'kms-ciphertext', keyArn, encryptionContext: { ...context } };
}

/** Version 2 with a known v2 suite, or version 1 with the v1 message type 0x80. */
export function isEncryptionSdkMessage(bytes: Uint8Array): boolean {
  if (bytes.length < 3) return false;
  if (bytes[0] === 2) return suiteById((bytes[1] << 8) | bytes[2])?.messageVersion === 2;
  return bytes[0] === 1 && bytes[1] === 0x80;
}

/** Strict base64 (standard or URL alphabet, line breaks and spaces ignored): a typo must not decode to garbage. */
function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    throw messageError('malformed', 'the text is not base64 ciphertext');
  }
  return Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
}

function utf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw messageError('malformed', 'the decrypted data is not UTF-8 text; decrypt it as a file instead');
  } finally {
    bytes.fill(0);
  }
}
