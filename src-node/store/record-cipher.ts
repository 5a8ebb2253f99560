/**
 * Seals one record of the keyring database under the root key: AES-256-GCM with a key derived from
 * the root key for this use, a random IV per write, and the record's name as additional data, so a
 * record copied under another name (another key's slot) fails authentication.
 *
 *   IV (12) | ciphertext | tag (16)
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export class RecordCipher {
  private readonly key: Buffer;

  constructor(rootKey: Uint8Array) {
    this.key = createHmac('sha256', rootKey).update('kms-workbench keyring records v1').digest();
  }

  seal(name: string, text: string): Buffer {
    const iv = randomBytes(IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }

  /** The record's text, or undefined when it fails authentication (damaged, or sealed under another name or root key). */
  open(name: string, sealed: Uint8Array): string | undefined {
    if (sealed.length < IV_LENGTH + TAG_LENGTH) return undefined;
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_LENGTH));
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_LENGTH));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_LENGTH, bytes.length - TAG_LENGTH)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
