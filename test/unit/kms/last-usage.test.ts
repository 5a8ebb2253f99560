import { test } from 'node:test';
import assert from 'node:assert/strict';
import { b64, createTestKms } from './harness';

test('GetKeyLastUsage names the request and the CloudTrail event of the last real use', async () => {
  const kms = createTestKms();
  const key = (await kms.call('CreateKey', {})).KeyMetadata;
  kms.clock.advance(60_000);
  const { requestId } = await kms.service.call('Encrypt', { KeyId: key.KeyId, Plaintext: b64('hello') }, { accountId: '123456789012', region: 'us-east-1', principal: 'arn:aws:iam::123456789012:root' });
  const encryptEvent = kms.events.at(-1)!;
  assert.equal(encryptEvent.eventName, 'Encrypt');
  const { KeyLastUsage } = await kms.call('GetKeyLastUsage', { KeyId: key.KeyId });
  assert.deepEqual(KeyLastUsage, {
    Operation: 'Encrypt',
    Timestamp: Date.parse(encryptEvent.eventTime) / 1000,
    CloudTrailEventId: encryptEvent.eventID,
    KmsRequestId: requestId,
  });
  assert.equal(encryptEvent.requestID, requestId);
});

test('the CreateKey event names the new key among its resources', async () => {
  const kms = createTestKms();
  const key = (await kms.call('CreateKey', {})).KeyMetadata;
  assert.deepEqual(kms.events.at(-1)!.resources, [{ accountId: '123456789012', type: 'AWS::KMS::Key', ARN: key.Arn }]);
});
