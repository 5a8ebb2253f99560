/**
 * What every cryptographic operation does the same way: find the key (creating an AWS managed key on
 * first use of `alias/aws/<service>`), authorize the caller with the request's condition keys, check
 * the key state, key usage and algorithm with AWS's texts, and encrypt or decrypt symmetric blobs.
 */
import { KmsError } from '../../kms-error';
import type { ConditionValues, OperationContext } from '../operation-context';
import { openBlob, parseBlob, sealBlob } from '../crypto/ciphertext-blob';
import { currentMaterial } from '../key-metadata';
import { assertKeyState } from '../key-state';
import { authorizeOnKey, findKey, resolveKey } from '../key-resolution';
import type { KeyMaterialRecord, KeyRecord, KeyUsage } from '../state';

export type EncryptionContext = Record<string, string>;

export interface KeyRequest {
  /** The KeyId parameter as given. */
  keyId: string;
  /** The operation name, for the key-state table and the InvalidKeyUsageException text. */
  operation: string;
  /** The IAM action, e.g. `kms:ReEncryptFrom` for the source key of ReEncrypt. */
  action: string;
  conditions?: ConditionValues;
  grantTokens?: string[];
  /** Whether `alias/aws/<service>` creates the AWS managed key (the operation must be declared mutating for it). */
  createManaged?: boolean;
}

/** Resolves, authorizes and state-checks the key of a request, in AWS's order. */
export function keyFor(ctx: OperationContext, request: KeyRequest): KeyRecord {
  const key = resolveKey(ctx, request.keyId, { createManaged: request.createManaged });
  authorizeKey(ctx, key, request);
  return key;
}

/** Authorizes and state-checks a key found some other way (e.g. from a ciphertext blob). */
export function authorizeKey(ctx: OperationContext, key: KeyRecord, request: Omit<KeyRequest, 'createManaged'>): void {
  // The key's own condition values (kms:KeySpec, kms:RequestAlias, …) come with every request on it.
  authorizeOnKey(ctx, request.action, key, request.keyId, request.conditions, request.grantTokens);
  assertKeyState(key, request.operation);
}

/** The condition keys `kms:EncryptionContext:<key>` and `kms:EncryptionContextKeys` of a request. */
export function encryptionContextConditions(context: EncryptionContext | undefined): ConditionValues {
  const conditions: ConditionValues = {};
  if (!context) return conditions;
  for (const [k, v] of Object.entries(context)) conditions[`kms:EncryptionContext:${k}`] = v;
  conditions['kms:EncryptionContextKeys'] = Object.keys(context);
  return conditions;
}

export function assertUsage(key: KeyRecord, usage: KeyUsage, operation: string): void {
  if (key.usage !== usage) {
    throw new KmsError('InvalidKeyUsageException', `${key.arn} key usage is ${key.usage} which is not valid for ${operation}.`);
  }
}

export function incompatibleAlgorithm(algorithm: string, key: KeyRecord): KmsError {
  return new KmsError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${key.spec}.`);
}

/** The encryption context is bound only by symmetric encryption; KMS refuses it for asymmetric keys. */
export function assertNoContextForAsymmetric(context: EncryptionContext | undefined, key: KeyRecord): void {
  if (context && Object.keys(context).length > 0) {
    throw new KmsError('ValidationException', `EncryptionContext is not supported with asymmetric KMS key ${key.arn}.`);
  }
}

/** Thrown after every check passed when the request set DryRun. */
export function assertNotDryRun(dryRun: boolean | undefined): void {
  if (dryRun) throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
}

/**
 * A Recipient asks KMS to encrypt the result to a Nitro Enclave's attested key; attestation
 * documents cannot be verified locally, so the request is refused rather than answered wrongly.
 */
export function assertNoRecipient(recipient: unknown): void {
  if (recipient !== undefined) {
    throw new KmsError('UnsupportedOperationException', 'Recipient (Nitro Enclaves attestation) is not supported by the local KMS.');
  }
}

export function secretBytes(material: KeyMaterialRecord): Uint8Array {
  if (material.secret === undefined) throw new KmsError('KMSInvalidStateException', 'The key material is not available.');
  return new Uint8Array(Buffer.from(material.secret, 'base64'));
}

/** The CURRENT material of a key whose state allows crypto (so it has one). */
export function usableCurrentMaterial(key: KeyRecord): KeyMaterialRecord {
  const material = currentMaterial(key);
  if (!material || material.secret === undefined) throw new KmsError('KMSInvalidStateException', `${key.arn} is pending import.`);
  return material;
}

export function publicKeyBytes(key: KeyRecord): Uint8Array {
  const material = usableCurrentMaterial(key);
  if (material.publicKey === undefined) throw new Error(`key ${key.keyId} has no public key`);
  return new Uint8Array(Buffer.from(material.publicKey, 'base64'));
}

/** Encrypts under a symmetric key's CURRENT material. */
export function sealUnderKey(ctx: OperationContext, key: KeyRecord, plaintext: Uint8Array, context: EncryptionContext | undefined) {
  const material = usableCurrentMaterial(key);
  const blob = sealBlob({ accountId: key.accountId, keyId: key.keyId, keyMaterialId: material.id }, secretBytes(material), plaintext, context, ctx.random);
  return { blob, keyMaterialId: material.id };
}

export interface SymmetricDecryptRequest extends Omit<KeyRequest, 'keyId' | 'createManaged'> {
  blob: Uint8Array;
  /** The optional KeyId parameter: when given it must be the key that encrypted the blob. */
  keyId?: string;
  context?: EncryptionContext;
}

const FOREIGN_KEY_MESSAGE =
  'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.';

/**
 * Decrypts a symmetric blob with the key and material version its header names. The blob names the
 * account and key ID, so it decrypts in any Region holding that key (multi-Region replicas).
 */
export function openUnderKey(ctx: OperationContext, request: SymmetricDecryptRequest) {
  const parsed = parseBlob(request.blob);
  let key: KeyRecord;
  if (request.keyId !== undefined) {
    key = resolveKey(ctx, request.keyId);
    authorizeKey(ctx, key, { ...request, keyId: request.keyId });
    assertUsage(key, 'ENCRYPT_DECRYPT', request.operation);
    if (key.spec !== 'SYMMETRIC_DEFAULT') throw incompatibleAlgorithm('SYMMETRIC_DEFAULT', key);
    if (!parsed) throw new KmsError('InvalidCiphertextException', '');
    if (parsed.keyId !== key.keyId || parsed.accountId !== key.accountId) {
      throw new KmsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
    }
  } else {
    if (!parsed) throw new KmsError('InvalidCiphertextException', '');
    const found = findKey(ctx.state, parsed.accountId, ctx.caller.region, parsed.keyId);
    if (!found) throw new KmsError('AccessDeniedException', FOREIGN_KEY_MESSAGE);
    key = found;
    authorizeKey(ctx, key, { ...request, keyId: key.arn });
    assertUsage(key, 'ENCRYPT_DECRYPT', request.operation);
    if (key.spec !== 'SYMMETRIC_DEFAULT') throw new KmsError('InvalidCiphertextException', '');
  }
  const material = key.materials.find((m) => m.id === parsed.keyMaterialId);
  if (!material || material.secret === undefined) throw new KmsError('InvalidCiphertextException', '');
  return { key, plaintext: openBlob(parsed, secretBytes(material), request.context), keyMaterialId: material.id };
}
