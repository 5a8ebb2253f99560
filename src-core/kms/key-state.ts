/**
 * AWS's key-state table: which operations each key state allows, and the exception and message a
 * refused operation gets (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html). `Unavailable` is the state of a key whose custom key
 * store is not connected (custom-key-stores.ts moves keys in and out of it on disconnect/connect),
 * so that case is covered here like any other state.
 */
import { KmsError } from '../kms-error';
import type { KeyRecord, KeyState } from './state';

type Refusal = (arn: string) => KmsError;

const disabled: Refusal = (arn) => new KmsError('DisabledException', `${arn} is disabled.`);
const pendingDeletion: Refusal = (arn) => new KmsError('KMSInvalidStateException', `${arn} is pending deletion.`);
const notPendingDeletion: Refusal = (arn) => new KmsError('KMSInvalidStateException', `${arn} is not pending deletion.`);
const pendingImport: Refusal = (arn) => new KmsError('KMSInvalidStateException', `${arn} is pending import.`);
const unavailable: Refusal = (arn) => new KmsError('KMSInvalidStateException', `${arn} is unavailable.`);
const creating: Refusal = (arn) => new KmsError('KMSInvalidStateException', `${arn} is creating.`);
const updating: Refusal = (arn) => new KmsError('KMSInvalidStateException', `${arn} is updating.`);
const externalOrigin: Refusal = (arn) => new KmsError('UnsupportedOperationException', `${arn} origin is EXTERNAL which is not valid for this operation.`);
const customStoreRotation: Refusal = (arn) => new KmsError('UnsupportedOperationException', `${arn} is in a custom key store, which does not support automatic key rotation.`);

/** Refusals per state; a state not listed allows the operation. PendingReplicaDeletion behaves as PendingDeletion. */
type Rules = Partial<Record<KeyState, Refusal>>;

const ANY_STATE: Rules = {};
/** Encrypt, Decrypt, Sign, GenerateMac and the other operations that use the key's material. */
const CRYPTO: Rules = { Disabled: disabled, PendingDeletion: pendingDeletion, PendingImport: pendingImport, Unavailable: unavailable, Creating: creating };
const NOT_PENDING_DELETION: Rules = { PendingDeletion: pendingDeletion };

const RULES: Record<string, Rules> = {
  CancelKeyDeletion: {
    Enabled: notPendingDeletion, Disabled: notPendingDeletion, PendingImport: notPendingDeletion, Unavailable: notPendingDeletion,
    Creating: notPendingDeletion, Updating: notPendingDeletion,
  },
  CreateAlias: NOT_PENDING_DELETION,
  CreateGrant: { Disabled: disabled, PendingDeletion: pendingDeletion, PendingImport: pendingImport, Creating: creating },
  Decrypt: CRYPTO,
  DeriveSharedSecret: CRYPTO,
  Encrypt: CRYPTO,
  GenerateDataKey: CRYPTO,
  GenerateDataKeyPair: CRYPTO,
  GenerateDataKeyPairWithoutPlaintext: CRYPTO,
  GenerateDataKeyWithoutPlaintext: CRYPTO,
  GenerateMac: CRYPTO,
  GetPublicKey: CRYPTO,
  ReEncrypt: CRYPTO,
  Sign: CRYPTO,
  Verify: CRYPTO,
  VerifyMac: CRYPTO,
  DeleteAlias: ANY_STATE,
  DescribeKey: ANY_STATE,
  GetKeyLastUsage: ANY_STATE,
  GetKeyPolicy: ANY_STATE,
  ListAliases: ANY_STATE,
  ListGrants: ANY_STATE,
  ListKeyPolicies: ANY_STATE,
  ListKeyRotations: ANY_STATE,
  ListResourceTags: ANY_STATE,
  PutKeyPolicy: ANY_STATE,
  RetireGrant: ANY_STATE,
  RevokeGrant: ANY_STATE,
  DeleteImportedKeyMaterial: { Creating: creating, Updating: updating },
  DisableKey: { PendingDeletion: pendingDeletion, PendingImport: pendingImport, Creating: creating, Updating: updating },
  EnableKey: { PendingDeletion: pendingDeletion, PendingImport: pendingImport, Creating: creating, Updating: updating },
  EnableKeyRotation: { Disabled: disabled, PendingDeletion: pendingDeletion, PendingImport: externalOrigin, Unavailable: customStoreRotation, Creating: creating },
  DisableKeyRotation: { Disabled: disabled, PendingDeletion: pendingDeletion, PendingImport: externalOrigin, Unavailable: customStoreRotation, Creating: creating },
  GetKeyRotationStatus: { PendingImport: externalOrigin, Unavailable: customStoreRotation },
  RotateKeyOnDemand: { Disabled: disabled, PendingDeletion: pendingDeletion, PendingImport: pendingImport, Unavailable: unavailable, Creating: creating, Updating: updating },
  GetParametersForImport: { PendingDeletion: pendingDeletion, Creating: creating, Updating: updating },
  ImportKeyMaterial: { PendingDeletion: pendingDeletion, Creating: creating },
  ReplicateKey: { Disabled: disabled, PendingDeletion: pendingDeletion, PendingImport: pendingImport, Creating: creating, Updating: updating },
  ScheduleKeyDeletion: { PendingDeletion: pendingDeletion, Updating: updating },
  TagResource: NOT_PENDING_DELETION,
  UntagResource: NOT_PENDING_DELETION,
  UpdateKeyDescription: NOT_PENDING_DELETION,
  /** UpdateAlias checks its destination key: a source key pending deletion may lose its alias. */
  UpdateAlias: NOT_PENDING_DELETION,
  UpdatePrimaryRegion: { Disabled: disabled, PendingDeletion: pendingDeletion, PendingImport: pendingImport, Creating: creating },
};

/** Throws AWS's DisabledException, KMSInvalidStateException or UnsupportedOperationException when the key's state refuses `operation`. */
export function assertKeyState(key: KeyRecord, operation: string): void {
  const rules = RULES[operation];
  if (!rules) throw new Error(`assertKeyState: no key-state rules for ${operation}`);
  const state = key.state === 'PendingReplicaDeletion' ? 'PendingDeletion' : key.state;
  const refuse = rules[state];
  if (refuse) throw refuse(key.arn);
}
