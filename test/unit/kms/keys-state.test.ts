import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedCloudHsmStore } from './key-fixtures';
import { ACCOUNT, REGION, createTestKms, rootCaller } from './harness';

const DAY = 24 * 60 * 60 * 1000;

async function newKey(kms: ReturnType<typeof createTestKms>, body: Record<string, unknown> = {}) {
  return (await kms.call('CreateKey', body)).KeyMetadata as { KeyId: string; Arn: string };
}

async function describe(kms: ReturnType<typeof createTestKms>, keyId: string) {
  return (await kms.call('DescribeKey', { KeyId: keyId })).KeyMetadata;
}

test('DisableKey and EnableKey move a key between Enabled and Disabled', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  await kms.call('DisableKey', { KeyId: key.KeyId });
  let m = await describe(kms, key.KeyId);
  assert.deepEqual([m.KeyState, m.Enabled], ['Disabled', false]);
  await kms.call('DisableKey', { KeyId: key.Arn }); // disabling a disabled key succeeds, as in AWS
  await kms.call('EnableKey', { KeyId: key.Arn });
  m = await describe(kms, key.KeyId);
  assert.deepEqual([m.KeyState, m.Enabled], ['Enabled', true]);
  const e = await kms.fail('EnableKey', { KeyId: 'alias/nope' });
  assert.deepEqual([e.name, e.message], ['NotFoundException', "Invalid keyId 'alias/nope'"]);
});

test('ScheduleKeyDeletion waits 30 days by default, then the key and its aliases are gone', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  await kms.call('CreateAlias', { AliasName: 'alias/doomed', TargetKeyId: key.KeyId });
  const scheduled = await kms.call('ScheduleKeyDeletion', { KeyId: key.KeyId });
  assert.deepEqual(scheduled, { KeyId: key.Arn, DeletionDate: (Date.UTC(2026, 0, 1) + 30 * DAY) / 1000, KeyState: 'PendingDeletion', PendingWindowInDays: 30 });
  const m = await describe(kms, key.KeyId);
  assert.equal(m.KeyState, 'PendingDeletion');
  assert.equal(m.DeletionDate, scheduled.DeletionDate);
  assert.equal(m.PendingDeletionWindowInDays, undefined);
  const again = await kms.fail('ScheduleKeyDeletion', { KeyId: key.KeyId });
  assert.deepEqual([again.name, again.message], ['KMSInvalidStateException', `${key.Arn} is pending deletion.`]);
  for (const [op, body] of [['EnableKey', { KeyId: key.KeyId }], ['TagResource', { KeyId: key.KeyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] }], ['UpdateKeyDescription', { KeyId: key.KeyId, Description: 'x' }]] as const) {
    const e = await kms.fail(op, body);
    assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${key.Arn} is pending deletion.`], op);
  }
  kms.clock.advance(30 * DAY - 1);
  assert.equal((await describe(kms, key.KeyId)).KeyState, 'PendingDeletion');
  kms.clock.advance(1);
  const gone = await kms.fail('DescribeKey', { KeyId: key.KeyId });
  assert.deepEqual([gone.name, gone.message], ['NotFoundException', `Key '${key.Arn}' does not exist`]);
  assert.deepEqual((await kms.call('ListKeys')).Keys, []);
  assert.equal((await kms.call('ListAliases')).Aliases.some((a: { AliasName: string }) => a.AliasName === 'alias/doomed'), false);
});

test('the deletion window is 7 to 30 days; service.advanceClock also deletes', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  for (const days of [6, 31]) {
    const e = await kms.fail('ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: days });
    assert.equal(e.name, 'ValidationException');
    assert.match(e.message, new RegExp(`^1 validation error detected: Value '${days}' at 'pendingWindowInDays'`));
  }
  assert.equal((await kms.fail('ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 0 })).name, 'ValidationException');
  assert.equal((await describe(kms, key.KeyId)).KeyState, 'Enabled');
  const { DeletionDate } = await kms.call('ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 7 });
  assert.equal(DeletionDate, (Date.UTC(2026, 0, 1) + 7 * DAY) / 1000);
  await kms.service.advanceClock(7 * DAY, rootCaller());
  const state = await kms.store.read();
  assert.deepEqual(state.regions[`${ACCOUNT}/${REGION}`].keys, {});
});

test('CancelKeyDeletion brings the key back Disabled; it refuses keys not pending deletion', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  const e = await kms.fail('CancelKeyDeletion', { KeyId: key.KeyId });
  assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${key.Arn} is not pending deletion.`]);
  await kms.call('ScheduleKeyDeletion', { KeyId: key.KeyId });
  assert.deepEqual(await kms.call('CancelKeyDeletion', { KeyId: key.Arn }), { KeyId: key.Arn });
  const m = await describe(kms, key.KeyId);
  assert.deepEqual([m.KeyState, m.DeletionDate], ['Disabled', undefined]);
  kms.clock.advance(31 * DAY);
  assert.equal((await describe(kms, key.KeyId)).KeyState, 'Disabled');
});

test('EXTERNAL keys pending import refuse EnableKey and DisableKey', async () => {
  const kms = createTestKms();
  const key = await newKey(kms, { Origin: 'EXTERNAL' });
  for (const op of ['EnableKey', 'DisableKey']) {
    const e = await kms.fail(op, { KeyId: key.KeyId });
    assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${key.Arn} is pending import.`]);
  }
  await kms.call('ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 7 });
  assert.equal((await describe(kms, key.KeyId)).KeyState, 'PendingDeletion');
});

test('AWS managed keys cannot be disabled, scheduled for deletion or redescribed', async () => {
  const kms = createTestKms();
  const managed = (await kms.call('DescribeKey', { KeyId: 'alias/aws/ebs' })).KeyMetadata;
  for (const [op, body] of [['DisableKey', {}], ['ScheduleKeyDeletion', {}], ['UpdateKeyDescription', { Description: 'x' }]] as const) {
    assert.equal((await kms.fail(op, { KeyId: managed.KeyId, ...body })).name, 'UnsupportedOperationException', op);
  }
  assert.equal((await describe(kms, managed.KeyId)).KeyState, 'Enabled');
});

test('UpdateKeyDescription changes only the description', async () => {
  const kms = createTestKms();
  const key = await newKey(kms, { Description: 'old' });
  await kms.call('UpdateKeyDescription', { KeyId: key.KeyId, Description: 'new' });
  assert.equal((await describe(kms, key.KeyId)).Description, 'new');
  await kms.call('UpdateKeyDescription', { KeyId: key.Arn, Description: '' });
  assert.equal((await describe(kms, key.KeyId)).Description, '');
  const e = await kms.fail('UpdateKeyDescription', { KeyId: key.KeyId, Description: 'x'.repeat(8193) });
  assert.equal(e.name, 'ValidationException');
});

test('GetKeyLastUsage reports the latest recorded use', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  const before = await kms.call('GetKeyLastUsage', { KeyId: key.KeyId });
  assert.deepEqual(before, { KeyId: key.Arn, TrackingStartDate: Date.UTC(2026, 0, 1) / 1000, KeyCreationDate: Date.UTC(2026, 0, 1) / 1000 });
  await kms.store.transact((state) => {
    state.regions[`${ACCOUNT}/${REGION}`].keys[key.KeyId].lastUsage = {
      Encrypt: { at: Date.UTC(2026, 0, 2), operation: 'Encrypt', eventId: 'e1' },
      Decrypt: { at: Date.UTC(2026, 0, 3), operation: 'Decrypt', eventId: 'e2' },
    };
  });
  const after = await kms.call('GetKeyLastUsage', { KeyId: key.Arn });
  assert.deepEqual(after.KeyLastUsage, { Operation: 'Decrypt', Timestamp: Date.UTC(2026, 0, 3) / 1000, CloudTrailEventId: 'e2' });
});

test('keys of a disconnected custom key store are Unavailable; DisableKey then takes effect on reconnect', async () => {
  const kms = createTestKms();
  const id = await connectedCloudHsmStore(kms);
  const key = await newKey(kms, { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: id });
  await kms.call('DisconnectCustomKeyStore', { CustomKeyStoreId: id });
  assert.equal((await describe(kms, key.KeyId)).KeyState, 'Unavailable');
  await kms.call('DisableKey', { KeyId: key.KeyId });
  assert.equal((await describe(kms, key.KeyId)).KeyState, 'Unavailable');
  await kms.call('ConnectCustomKeyStore', { CustomKeyStoreId: id });
  assert.equal((await describe(kms, key.KeyId)).KeyState, 'Disabled');
});

test('a failed call leaves the keyring exactly as it was', async () => {
  const kms = createTestKms();
  const key = await newKey(kms, { Tags: [{ TagKey: 'a', TagValue: '1' }] });
  const before = JSON.stringify(await kms.store.read());
  await kms.fail('TagResource', { KeyId: key.KeyId, Tags: [{ TagKey: 'b', TagValue: '1' }, { TagKey: 'aws:c', TagValue: '1' }] });
  await kms.fail('ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 3 });
  await kms.fail('PutKeyPolicy', { KeyId: key.KeyId, Policy: '[]' });
  await kms.fail('CreateAlias', { AliasName: 'alias/aws/mine', TargetKeyId: key.KeyId });
  await kms.fail('EnableKeyRotation', { KeyId: key.KeyId, RotationPeriodInDays: 89 });
  await kms.fail('DisableKey', { KeyId: key.KeyId }, rootCaller('999999999999'));
  assert.equal(JSON.stringify(await kms.store.read()), before);
});

test('a custom-store key stays pending deletion while its store is disconnected; cancelled, it waits for the store', async () => {
  const kms = createTestKms();
  const id = await connectedCloudHsmStore(kms);
  const key = await newKey(kms, { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: id });
  await kms.call('ScheduleKeyDeletion', { KeyId: key.KeyId });
  await kms.call('DisconnectCustomKeyStore', { CustomKeyStoreId: id });
  assert.equal((await describe(kms, key.KeyId)).KeyState, 'PendingDeletion');
  await kms.call('CancelKeyDeletion', { KeyId: key.KeyId });
  assert.equal((await describe(kms, key.KeyId)).KeyState, 'Unavailable');
  await kms.call('ConnectCustomKeyStore', { CustomKeyStoreId: id });
  assert.equal((await describe(kms, key.KeyId)).KeyState, 'Disabled');
});

test('key management is not offered across accounts; DescribeKey and GetKeyRotationStatus are', async () => {
  const kms = createTestKms();
  const other = rootCaller('210987654321');
  const { KeyMetadata: key } = await kms.call('CreateKey', {}, other);
  assert.equal((await kms.call('DescribeKey', { KeyId: key.Arn })).KeyMetadata.KeyId, key.KeyId);
  assert.equal((await kms.call('GetKeyRotationStatus', { KeyId: key.Arn })).KeyRotationEnabled, false);
  for (const [op, body] of [['DisableKey', {}], ['TagResource', { Tags: [] }], ['PutKeyPolicy', { Policy: '{}' }], ['GetKeyPolicy', {}], ['ScheduleKeyDeletion', {}], ['EnableKeyRotation', {}]] as const) {
    const e = await kms.fail(op, { KeyId: key.Arn, ...body });
    assert.equal(e.name, 'AccessDeniedException', op);
    assert.equal(e.message, `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: kms:${op} on resource: ${key.Arn} because kms:${op} cannot be used on a KMS key in another AWS account`);
  }
  assert.equal((await kms.call('DescribeKey', { KeyId: key.KeyId }, other)).KeyMetadata.KeyState, 'Enabled');
});
