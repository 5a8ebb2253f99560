import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KmsError } from '../../../src-core/kms-error';
import { assertKeyState } from '../../../src-core/kms/key-state';
import type { KeyRecord, KeyState } from '../../../src-core/kms/state';

const ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const STATES: KeyState[] = ['Enabled', 'Disabled', 'PendingDeletion', 'PendingReplicaDeletion', 'PendingImport', 'Unavailable', 'Creating', 'Updating'];

function outcome(operation: string, state: KeyState): string {
  try {
    assertKeyState({ arn: ARN, state } as KeyRecord, operation);
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof KmsError);
    return `${e.name}: ${e.message.replace(ARN, '<arn>')}`;
  }
}

const ok = 'ok';
const disabled = 'DisabledException: <arn> is disabled.';
const pendingDeletion = 'KMSInvalidStateException: <arn> is pending deletion.';
const notPending = 'KMSInvalidStateException: <arn> is not pending deletion.';
const pendingImport = 'KMSInvalidStateException: <arn> is pending import.';
const unavailable = 'KMSInvalidStateException: <arn> is unavailable.';
const creating = 'KMSInvalidStateException: <arn> is creating.';
const updating = 'KMSInvalidStateException: <arn> is updating.';
const external = 'UnsupportedOperationException: <arn> origin is EXTERNAL which is not valid for this operation.';
const customStore = 'UnsupportedOperationException: <arn> is in a custom key store, which does not support automatic key rotation.';

/** https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html, one row per operation, columns in STATES order (PendingReplicaDeletion as PendingDeletion). */
const TABLE: Record<string, string[]> = {
  CancelKeyDeletion: [notPending, notPending, ok, ok, notPending, notPending, notPending, notPending],
  CreateAlias: [ok, ok, pendingDeletion, pendingDeletion, ok, ok, ok, ok],
  CreateGrant: [ok, disabled, pendingDeletion, pendingDeletion, pendingImport, ok, creating, ok],
  Encrypt: [ok, disabled, pendingDeletion, pendingDeletion, pendingImport, unavailable, creating, ok],
  Decrypt: [ok, disabled, pendingDeletion, pendingDeletion, pendingImport, unavailable, creating, ok],
  Sign: [ok, disabled, pendingDeletion, pendingDeletion, pendingImport, unavailable, creating, ok],
  DescribeKey: [ok, ok, ok, ok, ok, ok, ok, ok],
  PutKeyPolicy: [ok, ok, ok, ok, ok, ok, ok, ok],
  DeleteImportedKeyMaterial: [ok, ok, ok, ok, ok, ok, creating, updating],
  DisableKey: [ok, ok, pendingDeletion, pendingDeletion, pendingImport, ok, creating, updating],
  EnableKey: [ok, ok, pendingDeletion, pendingDeletion, pendingImport, ok, creating, updating],
  EnableKeyRotation: [ok, disabled, pendingDeletion, pendingDeletion, external, customStore, creating, ok],
  GetKeyRotationStatus: [ok, ok, ok, ok, external, customStore, ok, ok],
  GetParametersForImport: [ok, ok, pendingDeletion, pendingDeletion, ok, ok, creating, updating],
  ImportKeyMaterial: [ok, ok, pendingDeletion, pendingDeletion, ok, ok, creating, ok],
  ReplicateKey: [ok, disabled, pendingDeletion, pendingDeletion, pendingImport, ok, creating, updating],
  ScheduleKeyDeletion: [ok, ok, pendingDeletion, pendingDeletion, ok, ok, ok, updating],
  TagResource: [ok, ok, pendingDeletion, pendingDeletion, ok, ok, ok, ok],
  UpdateAlias: [ok, ok, pendingDeletion, pendingDeletion, ok, ok, ok, ok],
  UpdatePrimaryRegion: [ok, disabled, pendingDeletion, pendingDeletion, pendingImport, ok, creating, ok],
  RotateKeyOnDemand: [ok, disabled, pendingDeletion, pendingDeletion, pendingImport, unavailable, creating, updating],
};

test('assertKeyState follows the key-state table for every state', () => {
  for (const [operation, row] of Object.entries(TABLE)) {
    assert.deepEqual(STATES.map((s) => outcome(operation, s)), row, operation);
  }
});

test('an operation without key-state rules is a programming error, not a silent pass', () => {
  assert.throws(() => assertKeyState({ arn: ARN, state: 'Enabled' } as KeyRecord, 'NoSuchOperation'), /no key-state rules for NoSuchOperation/);
});
