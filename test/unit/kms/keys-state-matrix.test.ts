import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '../../../src-core/kms/context';
import { connectedCloudHsmStore } from './key-fixtures';
import { ACCOUNT, createTestKms, rootCaller, type TestKms } from './harness';

/** A key brought into each state through real calls, with the caller of its Region. */
type Setup = (kms: TestKms) => Promise<{ keyId: string; arn: string; caller: Caller }>;

const home = rootCaller();
const west = rootCaller(ACCOUNT, 'us-west-2');

async function created(kms: TestKms, body: Record<string, unknown> = {}) {
  const { KeyMetadata } = await kms.call('CreateKey', body);
  return { keyId: KeyMetadata.KeyId as string, arn: KeyMetadata.Arn as string, caller: home };
}

const SETUPS: Record<string, Setup> = {
  Enabled: (kms) => created(kms),
  Disabled: async (kms) => {
    const key = await created(kms);
    await kms.call('DisableKey', { KeyId: key.keyId });
    return key;
  },
  PendingDeletion: async (kms) => {
    const key = await created(kms);
    await kms.call('ScheduleKeyDeletion', { KeyId: key.keyId });
    return key;
  },
  PendingImport: (kms) => created(kms, { Origin: 'EXTERNAL' }),
  Unavailable: async (kms) => {
    const store = await connectedCloudHsmStore(kms);
    const key = await created(kms, { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: store });
    await kms.call('DisconnectCustomKeyStore', { CustomKeyStoreId: store });
    return key;
  },
  Creating: async (kms) => {
    const key = await created(kms, { MultiRegion: true });
    const { ReplicaKeyMetadata } = await kms.call('ReplicateKey', { KeyId: key.keyId, ReplicaRegion: 'us-west-2' });
    return { keyId: key.keyId, arn: ReplicaKeyMetadata.Arn, caller: west };
  },
  Updating: async (kms) => {
    const key = await created(kms, { MultiRegion: true });
    await kms.call('ReplicateKey', { KeyId: key.keyId, ReplicaRegion: 'us-west-2' });
    kms.clock.advance(1000);
    await kms.call('UpdatePrimaryRegion', { KeyId: key.keyId, PrimaryRegion: 'us-west-2' });
    // The new primary, so that operations allowed only on a primary reach the state check.
    return { keyId: key.keyId, arn: key.arn.replace(':us-east-1:', ':us-west-2:'), caller: west };
  },
};

const ok = 'ok';
const disabled = 'DisabledException: <arn> is disabled.';
const pendingDeletion = 'KMSInvalidStateException: <arn> is pending deletion.';
const notPending = 'KMSInvalidStateException: <arn> is not pending deletion.';
const pendingImport = 'KMSInvalidStateException: <arn> is pending import.';
const creating = 'KMSInvalidStateException: <arn> is creating.';
const updating = 'KMSInvalidStateException: <arn> is updating.';
const external = 'UnsupportedOperationException: <arn> origin is EXTERNAL which is not valid for this operation.';
const customStore = 'UnsupportedOperationException: <arn> is in a custom key store, which does not support automatic key rotation.';

const STATES = Object.keys(SETUPS);
/** Expected outcome per state, in the order of SETUPS (kms-api.md §1.11). */
const MATRIX: [string, (keyId: string) => Record<string, unknown>, string[]][] = [
  ['DescribeKey', (k) => ({ KeyId: k }), [ok, ok, ok, ok, ok, ok, ok]],
  ['EnableKey', (k) => ({ KeyId: k }), [ok, ok, pendingDeletion, pendingImport, ok, creating, updating]],
  ['DisableKey', (k) => ({ KeyId: k }), [ok, ok, pendingDeletion, pendingImport, ok, creating, updating]],
  ['ScheduleKeyDeletion', (k) => ({ KeyId: k }), [ok, ok, pendingDeletion, ok, ok, ok, updating]],
  ['CancelKeyDeletion', (k) => ({ KeyId: k }), [notPending, notPending, ok, notPending, notPending, notPending, notPending]],
  ['TagResource', (k) => ({ KeyId: k, Tags: [{ TagKey: 't', TagValue: 'v' }] }), [ok, ok, pendingDeletion, ok, ok, ok, ok]],
  ['UntagResource', (k) => ({ KeyId: k, TagKeys: ['t'] }), [ok, ok, pendingDeletion, ok, ok, ok, ok]],
  ['UpdateKeyDescription', (k) => ({ KeyId: k, Description: 'd' }), [ok, ok, pendingDeletion, ok, ok, ok, ok]],
  ['CreateAlias', (k) => ({ AliasName: 'alias/matrix', TargetKeyId: k }), [ok, ok, pendingDeletion, ok, ok, ok, ok]],
  ['GetKeyPolicy', (k) => ({ KeyId: k }), [ok, ok, ok, ok, ok, ok, ok]],
  ['ListResourceTags', (k) => ({ KeyId: k }), [ok, ok, ok, ok, ok, ok, ok]],
  ['EnableKeyRotation', (k) => ({ KeyId: k }), [ok, disabled, pendingDeletion, external, customStore, creating, ok]],
  ['GetKeyRotationStatus', (k) => ({ KeyId: k }), [ok, ok, ok, external, customStore, ok, ok]],
];

test('key-management operations follow the key-state table through the service, for keys brought into each state by real calls', async () => {
  for (const [operation, body, expected] of MATRIX) {
    const actual: string[] = [];
    for (const state of STATES) {
      const kms = createTestKms();
      const key = await SETUPS[state](kms);
      assert.equal((await kms.call('DescribeKey', { KeyId: key.keyId }, key.caller)).KeyMetadata.KeyState, state);
      try {
        await kms.service.call(operation, body(key.keyId), key.caller);
        actual.push(ok);
      } catch (e) {
        actual.push(`${(e as Error).name}: ${(e as Error).message.replace(key.arn, '<arn>')}`);
      }
    }
    assert.deepEqual(actual, expected, operation);
  }
});
