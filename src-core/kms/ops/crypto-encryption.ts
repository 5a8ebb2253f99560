/**
 * Encrypt, Decrypt and ReEncrypt. Symmetric keys produce self-describing AES-GCM blobs; RSA keys do
 * standard OAEP, so ciphertext interoperates with the public key used offline.
 */
import { isKmsError, KmsError } from '../../kms-error';
import type { OperationContext } from '../operation-context';
import { supportsEncryptionAlgorithm } from '../crypto/algorithms';
import { decryptOaep, encryptOaep } from '../crypto/rsa-encryption';
import { isAwsManagedAliasReference, resolveKey } from '../key-resolution';
import { defineOperation } from '../operation';
import type { KeyRecord } from '../state';
import {
  assertNoContextForAsymmetric,
  assertNoRecipient,
  assertNotDryRun,
  assertUsage,
  authorizeKey,
  encryptionContextConditions,
  incompatibleAlgorithm,
  keyFor,
  openUnderKey,
  publicKeyBytes,
  sealUnderKey,
  secretBytes,
  usableCurrentMaterial,
  type EncryptionContext,
} from './crypto-common';

const SYMMETRIC = 'SYMMETRIC_DEFAULT';

function assertAlgorithmFits(key: KeyRecord, algorithm: string, operation: string): void {
  assertUsage(key, 'ENCRYPT_DECRYPT', operation);
  if (!supportsEncryptionAlgorithm(key.spec, algorithm)) throw incompatibleAlgorithm(algorithm, key);
}

interface Encrypted {
  blob: Uint8Array;
  keyMaterialId?: string;
}

/** Encrypts under a key already authorized and state-checked, with the algorithm the request names. */
function encryptWith(ctx: OperationContext, key: KeyRecord, algorithm: string, plaintext: Uint8Array, context: EncryptionContext | undefined, operation: string): Encrypted {
  assertAlgorithmFits(key, algorithm, operation);
  if (algorithm === SYMMETRIC) return sealUnderKey(ctx, key, plaintext, context);
  assertNoContextForAsymmetric(context, key);
  return { blob: encryptOaep(publicKeyBytes(key), key.spec, algorithm, plaintext) };
}

interface DecryptRequest {
  blob: Uint8Array;
  keyId?: string;
  algorithm: string;
  context?: EncryptionContext;
  grantTokens?: string[];
  operation: string;
  action: string;
}

interface Decrypted {
  key: KeyRecord;
  plaintext: Uint8Array;
  keyMaterialId?: string;
}

/** Decrypts a symmetric blob (key named inside it) or an RSA ciphertext (KeyId and algorithm required). */
function decryptWith(ctx: OperationContext, request: DecryptRequest): Decrypted {
  const conditions = { ...encryptionContextConditions(request.context), 'kms:EncryptionAlgorithm': request.algorithm };
  if (request.algorithm === SYMMETRIC) return openUnderKey(ctx, { ...request, conditions });
  if (request.keyId === undefined) {
    throw new KmsError('ValidationException', `KeyId is required when EncryptionAlgorithm is ${request.algorithm}.`);
  }
  const key = keyFor(ctx, { keyId: request.keyId, operation: request.operation, action: request.action, conditions, grantTokens: request.grantTokens });
  assertAlgorithmFits(key, request.algorithm, request.operation);
  assertNoContextForAsymmetric(request.context, key);
  return { key, plaintext: decryptOaep(secretBytes(usableCurrentMaterial(key)), request.algorithm, request.blob) };
}

const encrypt = defineOperation('Encrypt', (i) => isAwsManagedAliasReference(i.KeyId), (input, ctx) => {
  const algorithm = input.EncryptionAlgorithm ?? SYMMETRIC;
  const key = keyFor(ctx, {
    keyId: input.KeyId,
    operation: 'Encrypt',
    action: 'kms:Encrypt',
    conditions: { ...encryptionContextConditions(input.EncryptionContext), 'kms:EncryptionAlgorithm': algorithm },
    grantTokens: input.GrantTokens,
    createManaged: true,
  });
  const { blob } = encryptWith(ctx, key, algorithm, input.Plaintext, input.EncryptionContext, 'Encrypt');
  assertNotDryRun(input.DryRun);
  ctx.noteUsage(key, 'Encrypt');
  return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: algorithm };
});

const decrypt = defineOperation('Decrypt', false, (input, ctx) => {
  if (input.CiphertextBlob === undefined) throw new KmsError('ValidationException', 'CiphertextBlob is required.');
  assertNoRecipient(input.Recipient);
  const algorithm = input.EncryptionAlgorithm ?? SYMMETRIC;
  const request = { blob: input.CiphertextBlob, keyId: input.KeyId, algorithm, context: input.EncryptionContext, grantTokens: input.GrantTokens, operation: 'Decrypt', action: 'kms:Decrypt' };
  if (input.DryRun) {
    // IGNORE_CIPHERTEXT: a dry run checks permissions and the key, not whether this ciphertext decrypts.
    const ignoreCiphertext = input.DryRunModifiers?.includes('IGNORE_CIPHERTEXT') ?? false;
    try {
      decryptWith(ctx, request);
    } catch (e) {
      if (!(ignoreCiphertext && isKmsError(e) && e.name === 'InvalidCiphertextException')) throw e;
    }
    assertNotDryRun(true);
  }
  const { key, plaintext, keyMaterialId } = decryptWith(ctx, request);
  ctx.noteUsage(key, 'Decrypt');
  return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: algorithm, KeyMaterialId: keyMaterialId };
});

const reEncrypt = defineOperation('ReEncrypt', (i) => isAwsManagedAliasReference(i.DestinationKeyId), (input, ctx) => {
  if (input.CiphertextBlob === undefined) throw new KmsError('ValidationException', 'CiphertextBlob is required.');
  const sourceAlgorithm = input.SourceEncryptionAlgorithm ?? SYMMETRIC;
  const destinationAlgorithm = input.DestinationEncryptionAlgorithm ?? SYMMETRIC;
  const source = decryptWith(ctx, {
    blob: input.CiphertextBlob,
    keyId: input.SourceKeyId,
    algorithm: sourceAlgorithm,
    context: input.SourceEncryptionContext,
    grantTokens: input.GrantTokens,
    operation: 'ReEncrypt',
    action: 'kms:ReEncryptFrom',
  });
  const destination = resolveKey(ctx, input.DestinationKeyId, { createManaged: true });
  authorizeKey(ctx, destination, {
    keyId: input.DestinationKeyId,
    operation: 'ReEncrypt',
    action: 'kms:ReEncryptTo',
    conditions: {
      ...encryptionContextConditions(input.DestinationEncryptionContext),
      'kms:EncryptionAlgorithm': destinationAlgorithm,
      'kms:ReEncryptOnSameKey': destination.arn === source.key.arn,
    },
    grantTokens: input.GrantTokens,
  });
  const encrypted = encryptWith(ctx, destination, destinationAlgorithm, source.plaintext, input.DestinationEncryptionContext, 'ReEncrypt');
  assertNotDryRun(input.DryRun);
  ctx.noteUsage(source.key, 'ReEncrypt');
  ctx.noteUsage(destination, 'ReEncrypt');
  return {
    CiphertextBlob: encrypted.blob,
    SourceKeyId: source.key.arn,
    KeyId: destination.arn,
    SourceEncryptionAlgorithm: sourceAlgorithm,
    DestinationEncryptionAlgorithm: destinationAlgorithm,
    SourceKeyMaterialId: source.keyMaterialId,
    DestinationKeyMaterialId: encrypted.keyMaterialId,
  };
});

export const encryptionOperations = { Encrypt: encrypt, Decrypt: decrypt, ReEncrypt: reEncrypt };
