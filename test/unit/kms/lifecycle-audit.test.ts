/**
 * Clock-driven changes are audited as CloudTrail records them: KMS's own DeleteKey when a waiting
 * period ends and RotateKey for an automatic rotation, as AwsServiceEvent entries invoked by
 * kms.amazonaws.com with the key's ARN; and moving the keyring's clock is itself an event.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestKms, rootCaller } from './harness';

const DAY = 86_400_000;

test('a deletion whose waiting period ended and an automatic rotation leave service events; so does the clock move', async () => {
  const kms = createTestKms();
  const doomed = (await kms.call('CreateKey')).KeyMetadata;
  const rotating = (await kms.call('CreateKey')).KeyMetadata;
  await kms.call('EnableKeyRotation', { KeyId: rotating.KeyId, RotationPeriodInDays: 90 });
  await kms.call('ScheduleKeyDeletion', { KeyId: doomed.KeyId, PendingWindowInDays: 7 });
  await kms.service.advanceClock(91 * DAY, rootCaller());

  const [advance, ...service] = kms.events.slice(-3);
  assert.equal(advance.eventName, 'AdvanceClock');
  assert.equal(advance.userIdentity.arn, rootCaller().principal);
  assert.deepEqual(advance.requestParameters, { advanceBySeconds: 91 * 86_400 });
  const byName = Object.fromEntries(service.map((e) => [e.eventName, e]));
  for (const [name, key] of [['DeleteKey', doomed], ['RotateKey', rotating]] as const) {
    const e = byName[name];
    assert.ok(e, `${name} event`);
    assert.equal(e.eventType, 'AwsServiceEvent');
    // AWS's DeleteKey and RotateKey examples: only the account and invokedBy (arn repeats it for the local log's readers).
    assert.deepEqual(e.userIdentity, { accountId: key.AWSAccountId, invokedBy: 'AWS Internal', arn: 'AWS Internal' });
    assert.equal(e.sourceIPAddress, 'AWS Internal');
    assert.equal(e.userAgent, 'AWS Internal');
    assert.deepEqual(e.resources, [{ accountId: key.AWSAccountId, type: 'AWS::KMS::Key', ARN: key.Arn }]);
    assert.deepEqual(e.responseElements, { keyId: key.Arn });
    assert.equal(e.requestParameters, null);
  }
  assert.deepEqual(byName.RotateKey.serviceEventDetails, { rotationType: 'AUTOMATIC', keyId: rotating.KeyId });
  assert.equal(byName.DeleteKey.serviceEventDetails, undefined);
  assert.equal(byName.DeleteKey.eventTime, new Date(Date.UTC(2026, 0, 1) + 7 * DAY).toISOString().replace('.000', ''), 'at the end of the waiting period');
});

test('changes that fall due between calls are audited by the next call that applies them', async () => {
  const kms = createTestKms();
  const { KeyId, Arn } = (await kms.call('CreateKey')).KeyMetadata;
  await kms.call('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 7 });
  kms.clock.advance(8 * DAY);
  await kms.call('ListKeys');
  const deleted = kms.events.filter((e) => e.eventName === 'DeleteKey');
  assert.equal(deleted.length, 1);
  assert.equal(deleted[0].resources[0].ARN, Arn);
});
