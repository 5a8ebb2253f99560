/**
 * EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand and
 * ListKeyRotations. Automatic rotation itself happens in lifecycle.ts as the clock passes
 * nextRotationAt; a multi-Region key's rotation is set on its primary and shared by its replicas.
 */
import { KmsError } from '../../kms-error';
import type { OperationContext } from '../operation-context';
import { assertKeyState } from '../key-state';
import { authorizeOnKey, DAY_MS, resolveKey } from '../key-resolution';
import { defineOperation } from '../operation';
import { paginate } from '../paging';
import { ROTATION_PERIOD_DAYS } from '../limits';
import { installMaterial, rotateKey, rotationPeriodMs, syncReplicas } from '../rotation';
import type { KeyRecord } from '../state';
import { assertListLimit } from './list-limits';

const DEFAULT_PERIOD_DAYS = ROTATION_PERIOD_DAYS.default;
/** On-demand rotations per key (AWS quota, not adjustable). */
const ON_DEMAND_LIMIT = 25;
/** RotateKeyOnDemand is refused while an automatic rotation is due this soon. */
const AUTOMATIC_ROTATION_GUARD_MS = 20 * 60 * 1000;

/**
 * Automatic rotation is for symmetric keys with KMS-generated material outside custom key stores;
 * it is set on a multi-Region primary, never on a replica.
 */
function assertAutomaticRotationSupported(key: KeyRecord, operation: string): void {
  if (key.spec !== 'SYMMETRIC_DEFAULT') throw new KmsError('UnsupportedOperationException', `${key.arn} key spec ${key.spec} does not support automatic key rotation.`);
  if (key.origin === 'EXTERNAL') throw new KmsError('UnsupportedOperationException', `${key.arn} origin is EXTERNAL which is not valid for this operation.`);
  if (key.customKeyStoreId !== undefined) throw new KmsError('UnsupportedOperationException', `${key.arn} origin is ${key.origin} which is not valid for this operation.`);
  if (operation !== 'GetKeyRotationStatus' && key.multiRegion?.role === 'REPLICA') {
    throw new KmsError('UnsupportedOperationException', `${key.arn} is not a multi-region primary key. Set automatic rotation on the primary key in ${key.multiRegion.primaryRegion}.`);
  }
  if (operation !== 'GetKeyRotationStatus' && key.manager === 'AWS') {
    throw new KmsError('UnsupportedOperationException', `${key.arn} is an AWS managed key, whose rotation cannot be changed.`);
  }
}

function rotationKey(ctx: OperationContext, keyId: string, action: string, operation: string, conditions = {}): KeyRecord {
  const key = resolveKey(ctx, keyId, { allowAlias: false });
  authorizeOnKey(ctx, action, key, keyId, conditions);
  assertKeyState(key, operation);
  return key;
}

const enableKeyRotation = defineOperation('EnableKeyRotation', true, (input, ctx) => {
  const days = input.RotationPeriodInDays ?? DEFAULT_PERIOD_DAYS;
  const key = rotationKey(ctx, input.KeyId, 'kms:EnableKeyRotation', 'EnableKeyRotation', { 'kms:RotationPeriodInDays': days });
  assertAutomaticRotationSupported(key, 'EnableKeyRotation');
  // Changing the period of an enabled rotation keeps counting from the last rotation; enabling starts counting now.
  const last = key.rotation.enabled && key.rotation.nextRotationAt !== undefined ? key.rotation.nextRotationAt - rotationPeriodMs(key) : ctx.now;
  key.rotation.enabled = true;
  key.rotation.periodDays = days;
  key.rotation.nextRotationAt = Math.max(ctx.now, last + days * DAY_MS);
  syncReplicas(ctx.state, key);
  return {};
});

const disableKeyRotation = defineOperation('DisableKeyRotation', true, (input, ctx) => {
  const key = rotationKey(ctx, input.KeyId, 'kms:DisableKeyRotation', 'DisableKeyRotation');
  assertAutomaticRotationSupported(key, 'DisableKeyRotation');
  key.rotation.enabled = false;
  delete key.rotation.nextRotationAt;
  syncReplicas(ctx.state, key);
  return {};
});

const getKeyRotationStatus = defineOperation('GetKeyRotationStatus', false, (input, ctx) => {
  const key = rotationKey(ctx, input.KeyId, 'kms:GetKeyRotationStatus', 'GetKeyRotationStatus');
  if (key.origin !== 'EXTERNAL') assertAutomaticRotationSupported(key, 'GetKeyRotationStatus');
  // While the key is pending deletion its rotation reads as off; cancelling the deletion restores it.
  const pendingDeletion = key.state === 'PendingDeletion' || key.state === 'PendingReplicaDeletion';
  const enabled = key.rotation.enabled && !pendingDeletion;
  return {
    KeyId: key.arn,
    KeyRotationEnabled: enabled,
    RotationPeriodInDays: enabled ? key.rotation.periodDays : undefined,
    NextRotationDate: enabled && key.rotation.nextRotationAt !== undefined ? new Date(key.rotation.nextRotationAt) : undefined,
    OnDemandRotationStartDate: key.rotation.onDemandStartedAt !== undefined ? new Date(key.rotation.onDemandStartedAt) : undefined,
  };
});

const rotateKeyOnDemand = defineOperation('RotateKeyOnDemand', true, (input, ctx) => {
  const key = rotationKey(ctx, input.KeyId, 'kms:RotateKeyOnDemand', 'RotateKeyOnDemand');
  if (key.spec !== 'SYMMETRIC_DEFAULT' || key.customKeyStoreId !== undefined) throw new KmsError('UnsupportedOperationException', '');
  if (key.multiRegion?.role === 'REPLICA') throw new KmsError('UnsupportedOperationException', `${key.arn} is not a multi-region primary key.`);
  if (key.manager === 'AWS') throw new KmsError('UnsupportedOperationException', `${key.arn} is an AWS managed key, which does not support on-demand rotation.`);
  // Only single-Region imported keys rotate on demand; AWS's refusal for the others names the origin.
  if (key.origin === 'EXTERNAL' && key.multiRegion) throw new KmsError('UnsupportedOperationException', `${key.arn} origin is EXTERNAL which is not valid for this operation.`);
  if (key.rotation.onDemandCount >= ON_DEMAND_LIMIT) {
    throw new KmsError('LimitExceededException', `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`);
  }
  const next = key.rotation.enabled ? key.rotation.nextRotationAt : undefined;
  if (next !== undefined && next - ctx.now <= AUTOMATIC_ROTATION_GUARD_MS) {
    throw new KmsError('ConflictException', `An automatic rotation of ${key.arn} is due within 20 minutes. Try again after it has completed.`);
  }
  if (key.origin === 'EXTERNAL') {
    // Imported keys rotate to material that was imported beforehand as PENDING_ROTATION.
    const pending = key.materials.find((m) => m.state === 'PENDING_ROTATION' && m.secret !== undefined);
    if (!pending) throw new KmsError('KMSInvalidStateException', `No available key material pending rotation for the key: ${key.arn}.`);
    key.materials = key.materials.filter((m) => m !== pending);
    installMaterial(ctx.state, key, { ...pending, state: 'CURRENT', rotationType: 'ON_DEMAND', rotatedAt: ctx.now });
  } else {
    rotateKey(ctx.state, key, 'ON_DEMAND', ctx.now, ctx.random);
  }
  key.rotation.onDemandCount++;
  syncReplicas(ctx.state, key);
  return { KeyId: key.arn };
});

const listKeyRotations = defineOperation('ListKeyRotations', false, (input, ctx) => {
  const key = rotationKey(ctx, input.KeyId, 'kms:ListKeyRotations', 'ListKeyRotations');
  if (key.spec !== 'SYMMETRIC_DEFAULT') throw new KmsError('UnsupportedOperationException', `${key.arn} key spec ${key.spec} does not support key rotation.`);
  assertListLimit(input.Limit, 1000);
  const all = input.IncludeKeyMaterial === 'ALL_KEY_MATERIAL';
  const materials = key.materials.filter((m) => all || m.rotationType !== undefined);
  const page = paginate(materials, input, 100);
  return {
    Rotations: page.items.map((m) => ({
      KeyId: key.arn,
      KeyMaterialId: m.id,
      KeyMaterialDescription: m.import?.description,
      ImportState: m.import?.importState,
      KeyMaterialState: m.state,
      ExpirationModel: m.import?.expirationModel,
      ValidTo: m.import?.validTo !== undefined ? new Date(m.import.validTo) : undefined,
      RotationDate: m.rotatedAt !== undefined ? new Date(m.rotatedAt) : undefined,
      RotationType: m.rotationType,
    })),
    NextMarker: page.NextMarker,
    Truncated: page.Truncated,
  };
});

export const rotationOperations = {
  EnableKeyRotation: enableKeyRotation,
  DisableKeyRotation: disableKeyRotation,
  GetKeyRotationStatus: getKeyRotationStatus,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ListKeyRotations: listKeyRotations,
};
