import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_IN_STATE } from './key-fixtures';
import { createTestKms } from './harness';

const ok = 'ok';
const disabled = 'DisabledException: <arn> is disabled.';
const pendingDeletion = 'KMSInvalidStateException: <arn> is pending deletion.';
const notPending = 'KMSInvalidStateException: <arn> is not pending deletion.';
const pendingImport = 'KMSInvalidStateException: <arn> is pending import.';
const creating = 'KMSInvalidStateException: <arn> is creating.';
const updating = 'KMSInvalidStateException: <arn> is updating.';
const external = 'UnsupportedOperationException: <arn> origin is EXTERNAL which is not valid for this operation.';
const customStore = 'UnsupportedOperationException: <arn> is in a custom key store, which does not support automatic key rotation.';

const STATES = Object.keys(KEY_IN_STATE) as (keyof typeof KEY_IN_STATE)[];
/** Expected outcome per state, in the order of KEY_IN_STATE (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html). */
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
      const key = await KEY_IN_STATE[state](kms);
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
