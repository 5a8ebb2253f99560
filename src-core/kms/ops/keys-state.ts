/**
 * EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion, UpdateKeyDescription and
 * GetKeyLastUsage: the operations that move a key between states or change its plain metadata.
 */
import { KmsError } from '../../kms-error';
import type { OperationContext } from '../operation-context';
import { assertKeyState } from '../key-state';
import { authorizeOnKey, DAY_MS, resolveKey } from '../key-resolution';
import { defineOperation } from '../operation';
import type { KeyLastUsageTrackingOperation } from '../model/operations';
import { DELETION_WINDOW_DAYS } from '../limits';
import { rotateKey, rotationPeriodMs, syncReplicas } from '../rotation';
import { peekRegionState, type KeyRecord, type KeyState } from '../state';

const { min: MIN_WINDOW_DAYS, max: MAX_WINDOW_DAYS } = DELETION_WINDOW_DAYS;

/** AWS managed keys belong to the service that uses them: the account cannot change their state. */
function assertCustomerManaged(key: KeyRecord, operation: string): void {
  if (key.manager === 'AWS') throw new KmsError('UnsupportedOperationException', `${key.arn} is an AWS managed key, which does not support ${operation}.`);
}

/**
 * A key whose custom key store is disconnected (Unavailable) takes the new state when the store
 * connects again; otherwise the change is immediate.
 */
function setState(key: KeyRecord, state: KeyState): void {
  if (key.state === 'Unavailable') key.stateAfterTransition = state;
  else key.state = state;
}

/**
 * Re-enabling a key whose automatic rotation fell due while it was disabled rotates it at once and
 * restarts the schedule, as KMS does.
 */
function catchUpRotation(ctx: OperationContext, key: KeyRecord): void {
  const next = key.rotation.nextRotationAt;
  if (!key.rotation.enabled || next === undefined || next > ctx.now || key.multiRegion?.role === 'REPLICA') return;
  rotateKey(ctx.state, key, 'AUTOMATIC', ctx.now, ctx.random);
  key.rotation.nextRotationAt = ctx.now + rotationPeriodMs(key);
  syncReplicas(ctx.state, key);
}

const enableKey = defineOperation('EnableKey', true, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:EnableKey', key, input.KeyId);
  assertCustomerManaged(key, 'EnableKey');
  assertKeyState(key, 'EnableKey');
  setState(key, 'Enabled');
  if (key.state === 'Enabled') catchUpRotation(ctx, key);
  return {};
});

const disableKey = defineOperation('DisableKey', true, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:DisableKey', key, input.KeyId);
  assertCustomerManaged(key, 'DisableKey');
  assertKeyState(key, 'DisableKey');
  setState(key, 'Disabled');
  return {};
});

const scheduleKeyDeletion = defineOperation('ScheduleKeyDeletion', true, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  const days = input.PendingWindowInDays ?? DELETION_WINDOW_DAYS.default;
  authorizeOnKey(ctx, 'kms:ScheduleKeyDeletion', key, input.KeyId, { 'kms:ScheduleKeyDeletionPendingWindowInDays': days });
  if (days < MIN_WINDOW_DAYS || days > MAX_WINDOW_DAYS) {
    const bound = days < MIN_WINDOW_DAYS ? `greater than or equal to ${MIN_WINDOW_DAYS}` : `less than or equal to ${MAX_WINDOW_DAYS}`;
    throw new KmsError('ValidationException', `1 validation error detected: Value '${days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value ${bound}`);
  }
  assertCustomerManaged(key, 'ScheduleKeyDeletion');
  assertKeyState(key, 'ScheduleKeyDeletion');
  key.pendingWindowDays = days;
  delete key.stateAfterTransition;
  // A primary with replicas waits for them to be deleted before its own waiting period starts.
  if (key.multiRegion?.role === 'PRIMARY' && key.multiRegion.replicaRegions.length > 0) {
    key.state = 'PendingReplicaDeletion';
    delete key.deletionDate;
    return { KeyId: key.arn, KeyState: key.state, PendingWindowInDays: days };
  }
  key.state = 'PendingDeletion';
  key.deletionDate = ctx.now + days * DAY_MS;
  return { KeyId: key.arn, DeletionDate: new Date(key.deletionDate), KeyState: key.state, PendingWindowInDays: days };
});

const cancelKeyDeletion = defineOperation('CancelKeyDeletion', true, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:CancelKeyDeletion', key, input.KeyId);
  assertKeyState(key, 'CancelKeyDeletion');
  // A key of a disconnected custom key store stayed pending deletion; cancelled, it is Unavailable until the store reconnects.
  const store = key.customKeyStoreId === undefined ? undefined : peekRegionState(ctx.state, key.accountId, key.region)?.customKeyStores[key.customKeyStoreId];
  if (store && store.connectionState !== 'CONNECTED') {
    key.state = 'Unavailable';
    key.stateAfterTransition = 'Disabled';
  } else {
    key.state = 'Disabled';
  }
  delete key.deletionDate;
  delete key.pendingWindowDays;
  return { KeyId: key.arn };
});

const updateKeyDescription = defineOperation('UpdateKeyDescription', true, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:UpdateKeyDescription', key, input.KeyId);
  assertCustomerManaged(key, 'UpdateKeyDescription');
  assertKeyState(key, 'UpdateKeyDescription');
  key.description = input.Description;
  return {};
});

const getKeyLastUsage = defineOperation('GetKeyLastUsage', false, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId);
  authorizeOnKey(ctx, 'kms:GetKeyLastUsage', key, input.KeyId);
  assertKeyState(key, 'GetKeyLastUsage');
  const last = Object.values(key.lastUsage ?? {}).reduce<NonNullable<KeyRecord['lastUsage']>[string] | undefined>((a, b) => (!a || b.at > a.at ? b : a), undefined);
  return {
    KeyId: key.arn,
    // The operations that note usage are the model's tracked ones.
    KeyLastUsage: last ? { Operation: last.operation as KeyLastUsageTrackingOperation, Timestamp: new Date(last.at), CloudTrailEventId: last.eventId, KmsRequestId: last.requestId } : undefined,
    // Usage is tracked from the key's creation locally.
    TrackingStartDate: new Date(key.createdAt),
    KeyCreationDate: new Date(key.createdAt),
  };
});

export const keyStateOperations = {
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  UpdateKeyDescription: updateKeyDescription,
  GetKeyLastUsage: getKeyLastUsage,
};
