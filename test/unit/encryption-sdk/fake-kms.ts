/**
 * A KMS stand-in for format tests: symmetric keys by ARN, blobs that name their key and bind the
 * encryption context, AWS's exception names. `esdkClient()` exposes the same keys in the shape the
 * AWS Encryption SDK's KMS keyring calls, so both implementations share one key store.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KmsError } from '../../../src-core/kms-error';
import { serializeEncryptionContext } from '../../../src-core/encryption-sdk/encryption-context';
import type { EncryptionContext, KmsCrypto } from '../../../src-core/encryption-sdk/key-provider';

export const KEY_A = 'arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111';
export const KEY_B = 'arn:aws:kms:us-east-1:111122223333:key/22222222-2222-2222-2222-222222222222';

export class FakeKms implements KmsCrypto {
  private readonly keys = new Map<string, Buffer>();
  /** Operation names in call order, for tests that count KMS calls. */
  readonly calls: string[] = [];
  /** Copies of every plaintext data key handed out, for tests that look for leaks. */
  readonly issuedKeys: Buffer[] = [];

  constructor(arns: string[] = [KEY_A, KEY_B]) {
    for (const arn of arns) this.keys.set(arn, randomBytes(32));
  }

  private key(keyId: string): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new KmsError('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  }

  async generateDataKey(keyId: string, context: EncryptionContext) {
    this.calls.push('GenerateDataKey');
    const plaintextKey = randomBytes(32);
    this.issuedKeys.push(Buffer.from(plaintextKey));
    const { ciphertextBlob } = this.seal(keyId, plaintextKey, context);
    return { plaintextKey, encryptedKey: ciphertextBlob, keyArn: keyId };
  }

  async encrypt(keyId: string, plaintext: Uint8Array, context: EncryptionContext) {
    this.calls.push('Encrypt');
    if (plaintext.length > 4096) throw new KmsError('ValidationException', 'plaintext is longer than 4096 bytes');
    return this.seal(keyId, plaintext, context);
  }

  async decrypt(blob: Uint8Array, context: EncryptionContext, keyId?: string) {
    this.calls.push('Decrypt');
    const b = Buffer.from(blob);
    const arn = b.toString('utf8', 1, 1 + b[0]);
    if (!this.keys.has(arn)) throw new KmsError('InvalidCiphertextException', '');
    if (keyId !== undefined && keyId !== arn) throw new KmsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
    const at = 1 + b[0];
    try {
      const d = createDecipheriv('aes-256-gcm', this.key(arn), b.subarray(at, at + 12), { authTagLength: 16 });
      d.setAAD(serializeEncryptionContext(context));
      d.setAuthTag(b.subarray(b.length - 16));
      const plaintext = Buffer.concat([d.update(b.subarray(at + 12, b.length - 16)), d.final()]);
      return { plaintext, keyArn: arn };
    } catch {
      throw new KmsError('InvalidCiphertextException', '');
    }
  }

  private seal(keyId: string, plaintext: Uint8Array, context: EncryptionContext) {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key(keyId), iv, { authTagLength: 16 });
    c.setAAD(serializeEncryptionContext(context));
    const body = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    const arn = Buffer.from(keyId);
    return { ciphertextBlob: new Uint8Array(Buffer.concat([Buffer.from([arn.length]), arn, iv, body])), keyArn: keyId };
  }

  /** The `AwsEsdkKMSInterface` view for `KmsKeyringNode({ clientProvider: () => fake.esdkClient() })`. */
  esdkClient() {
    return {
      generateDataKey: async (input: { KeyId: string; EncryptionContext?: EncryptionContext }) => {
        const out = await this.generateDataKey(input.KeyId, input.EncryptionContext ?? {});
        return { KeyId: out.keyArn, Plaintext: out.plaintextKey, CiphertextBlob: out.encryptedKey };
      },
      encrypt: async (input: { KeyId: string; Plaintext: Uint8Array; EncryptionContext?: EncryptionContext }) => {
        const out = await this.encrypt(input.KeyId, input.Plaintext, input.EncryptionContext ?? {});
        return { KeyId: out.keyArn, CiphertextBlob: out.ciphertextBlob };
      },
      decrypt: async (input: { KeyId?: string; CiphertextBlob: Uint8Array; EncryptionContext?: EncryptionContext }) => {
        const out = await this.decrypt(input.CiphertextBlob, input.EncryptionContext ?? {}, input.KeyId);
        return { KeyId: out.keyArn, Plaintext: out.plaintext };
      },
    };
  }
}
