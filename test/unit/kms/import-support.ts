/**
 * Shared steps of the import tests: EXTERNAL keys, import parameters, and wrapping key material the
 * way AWS's import guide shows (node:crypto, or the openssl command line).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, createCipheriv, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import type { TestKms } from './harness';

export const DAY = 24 * 3600 * 1000;
const KWP_IV = Buffer.from('a65959a6', 'hex');

export interface ImportParameters {
  token: string;
  publicKey: Buffer;
}

export async function externalKey(kms: TestKms, body: Record<string, unknown> = {}): Promise<string> {
  return (await kms.call('CreateKey', { Origin: 'EXTERNAL', ...body })).KeyMetadata.KeyId as string;
}

export async function parameters(kms: TestKms, keyId: string, WrappingAlgorithm: string, WrappingKeySpec = 'RSA_2048'): Promise<ImportParameters> {
  const out = await kms.call('GetParametersForImport', { KeyId: keyId, WrappingAlgorithm, WrappingKeySpec });
  return { token: out.ImportToken, publicKey: Buffer.from(out.PublicKey, 'base64') };
}

/** Wraps material the way AWS's import guide does, with node:crypto. */
export function wrapWithNode(publicKeyDer: Buffer, algorithm: string, material: Buffer): Buffer {
  const key = createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' });
  const oaepHash = algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
  const oaep = (data: Buffer) => publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, data);
  if (algorithm.startsWith('RSAES_OAEP')) return oaep(material);
  const aesKey = randomBytes(32);
  const kwp = createCipheriv('id-aes256-wrap-pad', aesKey, KWP_IV);
  return Buffer.concat([oaep(aesKey), kwp.update(material), kwp.final()]);
}

/** Wraps material with the openssl command line, as in AWS's "Encrypt key material" examples. */
export function wrapWithOpenssl(publicKeyDer: Buffer, algorithm: string, material: Buffer): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'kms-import-'));
  try {
    const path = (name: string) => join(dir, name);
    writeFileSync(path('wrap.der'), publicKeyDer);
    writeFileSync(path('material.bin'), material);
    execFileSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', path('wrap.der'), '-out', path('wrap.pem')]);
    const md = algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
    const oaep = (input: string, output: string) =>
      execFileSync('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', path('wrap.pem'), '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${md}`, '-in', input, '-out', output]);
    if (algorithm.startsWith('RSAES_OAEP')) {
      oaep(path('material.bin'), path('wrapped.bin'));
      return readFileSync(path('wrapped.bin'));
    }
    execFileSync('openssl', ['rand', '-out', path('aes.bin'), '32']);
    const aesHex = readFileSync(path('aes.bin')).toString('hex');
    execFileSync('openssl', ['enc', '-id-aes256-wrap-pad', '-K', aesHex, '-iv', 'A65959A6', '-in', path('material.bin'), '-out', path('material.wrapped')]);
    oaep(path('aes.bin'), path('aes.wrapped'));
    return Buffer.concat([readFileSync(path('aes.wrapped')), readFileSync(path('material.wrapped'))]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function importMaterial(kms: TestKms, keyId: string, material: Buffer, algorithm = 'RSAES_OAEP_SHA_256', extra: Record<string, unknown> = {}) {
  const p = await parameters(kms, keyId, algorithm);
  return kms.call('ImportKeyMaterial', {
    KeyId: keyId,
    ImportToken: p.token,
    EncryptedKeyMaterial: wrapWithNode(p.publicKey, algorithm, material).toString('base64'),
    ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    ...extra,
  });
}

export async function importBody(kms: TestKms, keyId: string, material: Buffer, algorithm = 'RSA_AES_KEY_WRAP_SHA_256') {
  const p = await parameters(kms, keyId, algorithm);
  return { KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: wrapWithNode(p.publicKey, algorithm, material).toString('base64'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' };
}
