/**
 * GetParametersForImport, ImportKeyMaterial and DeleteImportedKeyMaterial for EXTERNAL-origin keys.
 * Import tokens are bound to one key and valid 24 hours; material once imported is remembered by
 * fingerprint, so only the same material can be imported again. Expiry of material at ValidTo is
 * applied by lifecycle.ts as the clock passes it.
 */
import { KmsError } from '../../kms-error';
import type { OperationContext } from '../operation-context';
import { checkImportedMaterial, importedMaterialId, isSupportedWrappingAlgorithm, materialFingerprint, unwrapKeyMaterial } from '../crypto/key-import';
import { generateKeyMaterialAsync } from '../key-material';
import { currentMaterial } from '../key-metadata';
import { assertKeyState } from '../key-state';
import { DAY_MS, authorizeOnKey, resolveKey } from '../key-resolution';
import { defineOperation, type OperationInput } from '../operation';
import { regionState, type KeyMaterialRecord, type KeyRecord, type RegionState } from '../state';

const TOKEN_LIFETIME_MS = DAY_MS;
/** Expired tokens are kept a while longer, so a late import hears "expired" rather than "invalid". */
const EXPIRED_TOKEN_RETENTION_MS = DAY_MS;
const MAX_VALID_TO_MS = 365 * DAY_MS;
const TOKEN_BYTES = 64;

/** Import operations name keys by key ID or key ARN only, and only EXTERNAL keys take imported material. */
function importKey(ctx: OperationContext, keyId: string, operation: string, conditions = {}): KeyRecord {
  const key = resolveKey(ctx, keyId, { allowAlias: false });
  authorizeOnKey(ctx, `kms:${operation}`, key, keyId, conditions);
  assertKeyState(key, operation);
  if (key.origin !== 'EXTERNAL') {
    throw new KmsError('UnsupportedOperationException', `${key.arn} origin is ${key.origin} which is not valid for this operation.`);
  }
  return key;
}

function tokensOf(ctx: OperationContext, key: KeyRecord): RegionState['importTokens'] {
  return regionState(ctx.state, key.accountId, key.region).importTokens;
}

const getParametersForImport = defineOperation('GetParametersForImport', true, async (input, ctx) => {
  const key = importKey(ctx, input.KeyId, 'GetParametersForImport', {
    'kms:WrappingAlgorithm': input.WrappingAlgorithm,
    'kms:WrappingKeySpec': input.WrappingKeySpec,
  });
  if (input.WrappingKeySpec === 'SM2' || input.WrappingAlgorithm === 'SM2PKE') {
    throw new KmsError('UnsupportedOperationException', 'SM2 wrapping is available only in China Regions.');
  }
  if (!isSupportedWrappingAlgorithm(input.WrappingAlgorithm)) {
    throw new KmsError('UnsupportedOperationException', `Wrapping algorithm ${input.WrappingAlgorithm} is no longer supported. Use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.`);
  }
  const wrapping = await generateKeyMaterialAsync(input.WrappingKeySpec as KeyRecord['spec'], ctx.random, ctx.now);
  const tokens = tokensOf(ctx, key);
  for (const [token, record] of Object.entries(tokens)) {
    if (record.validTo + EXPIRED_TOKEN_RETENTION_MS < ctx.now) delete tokens[token];
  }
  const token = Buffer.from(ctx.random.bytes(TOKEN_BYTES));
  const validTo = ctx.now + TOKEN_LIFETIME_MS;
  tokens[token.toString('base64')] = {
    token: token.toString('base64'),
    keyId: key.keyId,
    wrappingAlgorithm: input.WrappingAlgorithm,
    wrappingKeySpec: input.WrappingKeySpec,
    wrappingPrivateKey: wrapping.secret!,
    validTo,
  };
  return {
    KeyId: key.arn,
    ImportToken: new Uint8Array(token),
    PublicKey: new Uint8Array(Buffer.from(wrapping.publicKey!, 'base64')),
    ParametersValidTo: new Date(validTo),
  };
});

type ImportInput = OperationInput<'ImportKeyMaterial'>;

/** ValidTo is required for expiring material, forbidden otherwise, and within the next 365 days. */
function validTo(input: ImportInput, now: number): number | undefined {
  const model = input.ExpirationModel ?? 'KEY_MATERIAL_EXPIRES';
  if (model === 'KEY_MATERIAL_EXPIRES') {
    if (!input.ValidTo) throw new KmsError('ValidationException', 'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
    const at = input.ValidTo.getTime();
    if (at <= now) throw new KmsError('ValidationException', 'The validTo date must be in the future.');
    if (at > now + MAX_VALID_TO_MS) throw new KmsError('ValidationException', 'The validTo date must be no more than 365 days in the future.');
    return at;
  }
  if (input.ValidTo) throw new KmsError('ValidationException', 'A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE');
  return undefined;
}

function unwrapWithToken(ctx: OperationContext, key: KeyRecord, input: ImportInput): Uint8Array {
  const record = tokensOf(ctx, key)[Buffer.from(input.ImportToken).toString('base64')];
  if (!record || record.keyId !== key.keyId) {
    throw new KmsError('InvalidImportTokenException', `The import token is not valid for ${key.arn}.`);
  }
  if (record.validTo <= ctx.now) throw new KmsError('ExpiredImportTokenException', 'The import token has expired. Call GetParametersForImport for a new one.');
  return unwrapKeyMaterial(Buffer.from(record.wrappingPrivateKey, 'base64'), record.wrappingAlgorithm, input.EncryptedKeyMaterial);
}

function notSameMaterial(): KmsError {
  return new KmsError('IncorrectKeyMaterialException', 'The key material in the request is not the same key material that was previously imported into this KMS key.');
}

/** The material record a re-import of existing material targets: the named one, or the current one. */
function existingTarget(key: KeyRecord, keyMaterialId: string | undefined): KeyMaterialRecord | undefined {
  if (keyMaterialId === undefined) return currentMaterial(key);
  const found = key.materials.find((m) => m.id === keyMaterialId);
  if (!found) throw new KmsError('NotFoundException', `Key material ${keyMaterialId} does not exist for ${key.arn}.`);
  return found;
}

const importKeyMaterial = defineOperation('ImportKeyMaterial', true, (input, ctx) => {
  const model = input.ExpirationModel ?? 'KEY_MATERIAL_EXPIRES';
  const key = importKey(ctx, input.KeyId, 'ImportKeyMaterial', {
    'kms:ExpirationModel': model,
    'kms:ValidTo': input.ValidTo ? input.ValidTo.getTime() / 1000 : undefined,
  });
  const expiresAt = validTo(input, ctx.now);
  const material = unwrapWithToken(ctx, key, input);
  const { publicKey, identity } = checkImportedMaterial(key.spec, material);
  const fingerprint = materialFingerprint(identity);
  const imported = {
    importState: 'IMPORTED' as const,
    expirationModel: model,
    validTo: expiresAt,
    fingerprint,
  };
  const fresh = (state: KeyMaterialRecord['state']): KeyMaterialRecord => ({
    id: importedMaterialId(key.keyId, identity),
    secret: Buffer.from(material).toString('base64'),
    ...(publicKey ? { publicKey: Buffer.from(publicKey).toString('base64') } : {}),
    state,
    createdAt: ctx.now,
    import: { ...imported, ...(input.KeyMaterialDescription !== undefined ? { description: input.KeyMaterialDescription } : {}) },
  });

  let target: KeyMaterialRecord;
  if (key.materials.length === 0) {
    target = fresh('CURRENT');
    key.materials.push(target);
  } else if (input.ImportType === 'NEW_KEY_MATERIAL') {
    // New material for an on-demand rotation (RotateKeyOnDemand makes it current).
    if (key.spec !== 'SYMMETRIC_DEFAULT') {
      throw new KmsError('UnsupportedOperationException', `${key.arn} key spec ${key.spec} does not support importing new key material.`);
    }
    if (key.materials.some((m) => m.import?.fingerprint === fingerprint)) {
      throw new KmsError('IncorrectKeyMaterialException', 'The key material in the request was already imported into this KMS key; NEW_KEY_MATERIAL must be new.');
    }
    target = fresh('PENDING_ROTATION');
    const pending = key.materials.find((m) => m.state === 'PENDING_ROTATION');
    if (pending) {
      throw new KmsError('KMSInvalidStateException', `New key material (id: ${target.id}) cannot be imported into KMS key ${key.arn}, because another key material (id: ${pending.id}) is pending rotation.`);
    }
    key.materials.push(target);
  } else {
    const existing = existingTarget(key, input.KeyMaterialId);
    if (!existing || existing.import?.fingerprint !== fingerprint) throw notSameMaterial();
    existing.secret = Buffer.from(material).toString('base64');
    if (publicKey) existing.publicKey = Buffer.from(publicKey).toString('base64');
    existing.import = { ...existing.import, ...imported, ...(input.KeyMaterialDescription !== undefined ? { description: input.KeyMaterialDescription } : {}) };
    target = existing;
  }
  if (key.state === 'PendingImport' && currentMaterial(key)?.secret !== undefined) key.state = 'Enabled';
  return { KeyId: key.arn, KeyMaterialId: target.id };
});

const deleteImportedKeyMaterial = defineOperation('DeleteImportedKeyMaterial', true, (input, ctx) => {
  const key = importKey(ctx, input.KeyId, 'DeleteImportedKeyMaterial');
  const target = existingTarget(key, input.KeyMaterialId);
  // A key that never had material (PendingImport) is left as it is.
  if (!target) return { KeyId: key.arn };
  delete target.secret;
  if (target.import) target.import.importState = 'PENDING_IMPORT';
  if (target.state === 'CURRENT' && key.state !== 'PendingDeletion' && key.state !== 'PendingReplicaDeletion') key.state = 'PendingImport';
  return { KeyId: key.arn, KeyMaterialId: target.id };
});

export const importOperations = {
  GetParametersForImport: getParametersForImport,
  ImportKeyMaterial: importKeyMaterial,
  DeleteImportedKeyMaterial: deleteImportedKeyMaterial,
};
