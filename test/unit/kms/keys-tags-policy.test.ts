import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicyAuthorizer } from '../../../src-core/policy/authorizer';
import { ACCOUNT, createTestKms, rootCaller } from './harness';

async function newKey(kms: ReturnType<typeof createTestKms>, body: Record<string, unknown> = {}) {
  return (await kms.call('CreateKey', body)).KeyMetadata as { KeyId: string; Arn: string };
}

test('TagResource adds and overwrites, UntagResource removes and ignores unknown keys', async () => {
  const kms = createTestKms();
  const key = await newKey(kms, { Tags: [{ TagKey: 'team', TagValue: 'a' }] });
  await kms.call('TagResource', { KeyId: key.KeyId, Tags: [{ TagKey: 'team', TagValue: 'b' }, { TagKey: 'env', TagValue: '' }] });
  assert.deepEqual((await kms.call('ListResourceTags', { KeyId: key.Arn })).Tags, [{ TagKey: 'team', TagValue: 'b' }, { TagKey: 'env', TagValue: '' }]);
  await kms.call('UntagResource', { KeyId: key.KeyId, TagKeys: ['team', 'nope'] });
  assert.deepEqual((await kms.call('ListResourceTags', { KeyId: key.KeyId })).Tags, [{ TagKey: 'env', TagValue: '' }]);
});

test('tag limits: 50 per key, no duplicates, no aws: prefix, model lengths', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  const tags = Array.from({ length: 50 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }));
  await kms.call('TagResource', { KeyId: key.KeyId, Tags: tags });
  let e = await kms.fail('TagResource', { KeyId: key.KeyId, Tags: [{ TagKey: 'k50', TagValue: 'v' }] });
  assert.deepEqual([e.name, e.message], ['TagException', 'Too many tags']);
  await kms.call('TagResource', { KeyId: key.KeyId, Tags: [{ TagKey: 'k0', TagValue: 'overwritten' }] }); // overwriting stays within 50
  e = await kms.fail('TagResource', { KeyId: key.KeyId, Tags: [{ TagKey: 'AWS:x', TagValue: 'v' }] });
  assert.deepEqual([e.name, e.message], ['TagException', 'Tags beginning with aws: are reserved']);
  e = await kms.fail('TagResource', { KeyId: key.KeyId, Tags: [{ TagKey: 'x'.repeat(129), TagValue: 'v' }] });
  assert.equal(e.name, 'ValidationException');
  e = await kms.fail('TagResource', { KeyId: 'alias/x', Tags: [] });
  assert.equal(e.name, 'NotFoundException');
});

test('ListResourceTags pages with at most 50 per page', async () => {
  const kms = createTestKms();
  const key = await newKey(kms, { Tags: Array.from({ length: 5 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' })) });
  const first = await kms.call('ListResourceTags', { KeyId: key.KeyId, Limit: 3 });
  assert.deepEqual([first.Tags.length, first.Truncated], [3, true]);
  const rest = await kms.call('ListResourceTags', { KeyId: key.KeyId, Limit: 3, Marker: first.NextMarker });
  assert.deepEqual([rest.Tags.length, rest.Truncated], [2, false]);
  assert.equal((await kms.fail('ListResourceTags', { KeyId: key.KeyId, Limit: 51 })).name, 'ValidationException');
});

test('PutKeyPolicy replaces the policy after the same checks as CreateKey', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }, { Effect: 'Allow', Principal: { AWS: alice }, Action: 'kms:Decrypt', Resource: '*' }] });
  await kms.call('PutKeyPolicy', { KeyId: key.Arn, Policy: policy });
  assert.deepEqual(await kms.call('GetKeyPolicy', { KeyId: key.KeyId, PolicyName: 'default' }), { Policy: policy, PolicyName: 'default' });
  const cases: [Record<string, unknown>, string][] = [
    [{ Policy: '{"Statement": [' }, 'MalformedPolicyDocumentException'],
    [{ Policy: '{"Statement": [{"Effect": "Permit", "Principal": "*"}]}' }, 'MalformedPolicyDocumentException'],
    [{ Policy: policy, PolicyName: 'other' }, 'NotFoundException'],
    [{ Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:group/admins` }, Action: 'kms:*', Resource: '*' }] }) }, 'MalformedPolicyDocumentException'],
    [{ Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'alice' }, Action: 'kms:*', Resource: '*' }] }) }, 'MalformedPolicyDocumentException'],
    [{ Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'not a service' }, Action: 'kms:*', Resource: '*' }] }) }, 'MalformedPolicyDocumentException'],
    [{ Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: alice }, Action: 'kms:*', Resource: '*' }], Padding: 'x'.repeat(33000) }) }, 'LimitExceededException'],
  ];
  for (const [body, name] of cases) assert.equal((await kms.fail('PutKeyPolicy', { KeyId: key.KeyId, ...body })).name, name, JSON.stringify(body).slice(0, 80));
  const invalid = await kms.fail('PutKeyPolicy', { KeyId: key.KeyId, Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: ['*', 'bob'] }, Action: 'kms:*', Resource: '*' }] }) });
  assert.equal(invalid.message, 'Policy contains a statement with one or more invalid principals.');
  const services = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: [alice, ACCOUNT, `arn:aws:sts::${ACCOUNT}:assumed-role/r/s`] }, Action: 'kms:*', Resource: '*' }, { Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: 'kms:Encrypt', Resource: '*' }] });
  await kms.call('PutKeyPolicy', { KeyId: key.KeyId, Policy: services, BypassPolicyLockoutSafetyCheck: true });
  assert.equal((await kms.fail('GetKeyPolicy', { KeyId: 'alias/x' })).name, 'NotFoundException');
  assert.equal((await kms.call('GetKeyPolicy', { KeyId: key.KeyId })).Policy, services);
});

test('PutKeyPolicy runs the lockout safety check for the caller unless bypassed', async () => {
  const kms = createTestKms();
  const bob = { ...rootCaller(), principal: `arn:aws:iam::${ACCOUNT}:user/bob` };
  const key = await newKey(kms);
  const onlyAlice = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, Action: 'kms:*', Resource: '*' }] });
  const e = await kms.fail('PutKeyPolicy', { KeyId: key.KeyId, Policy: onlyAlice }, bob);
  assert.deepEqual([e.name, e.message], ['MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.']);
  await kms.call('PutKeyPolicy', { KeyId: key.KeyId, Policy: onlyAlice, BypassPolicyLockoutSafetyCheck: true }, bob);
  assert.equal((await kms.call('GetKeyPolicy', { KeyId: key.KeyId })).Policy, onlyAlice);
});

test('ListKeyPolicies lists the one policy, default', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  assert.deepEqual(await kms.call('ListKeyPolicies', { KeyId: key.KeyId }), { PolicyNames: ['default'], Truncated: false });
  await kms.call('ScheduleKeyDeletion', { KeyId: key.KeyId });
  assert.deepEqual((await kms.call('ListKeyPolicies', { KeyId: key.Arn, Limit: 1 })).PolicyNames, ['default']);
});

test('handlers authorize before acting: a denied caller changes nothing', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  const actions: string[] = [];
  kms.authorizer.current = { authorize: ({ action }) => (actions.push(action), { allowed: false, reason: 'no-allow' }) };
  const e = await kms.fail('TagResource', { KeyId: key.KeyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] });
  assert.equal(e.name, 'AccessDeniedException');
  assert.match(e.message, /not authorized to perform: kms:TagResource on resource: arn:aws:kms:/);
  for (const [op, body] of [['DisableKey', {}], ['PutKeyPolicy', { Policy: '{}' }], ['EnableKeyRotation', {}], ['ScheduleKeyDeletion', {}], ['CreateAlias', { AliasName: 'alias/x', TargetKeyId: key.KeyId }]] as const) {
    assert.equal((await kms.fail(op, { KeyId: key.KeyId, ...body })).name, 'AccessDeniedException', op);
  }
  assert.deepEqual(actions, ['kms:TagResource', 'kms:DisableKey', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:ScheduleKeyDeletion', 'kms:CreateAlias']);
});

test('with the policy authorizer, key-policy conditions on the key itself and on the alias used take effect', async () => {
  const kms = createTestKms({ authorizer: createPolicyAuthorizer() });
  const root = `arn:aws:iam::${ACCOUNT}:root`;
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: { 'kms:RequestAlias': 'alias/blocked' } } },
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:TagResource', Resource: '*', Condition: { StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT' } } },
    ],
  });
  const key = await newKey(kms, { Policy: policy });
  await kms.call('CreateAlias', { AliasName: 'alias/blocked', TargetKeyId: key.KeyId });
  await kms.call('CreateAlias', { AliasName: 'alias/open', TargetKeyId: key.KeyId });
  assert.equal((await kms.fail('DescribeKey', { KeyId: 'alias/blocked' })).name, 'AccessDeniedException');
  assert.equal((await kms.call('DescribeKey', { KeyId: 'alias/open' })).KeyMetadata.KeyId, key.KeyId);
  const e = await kms.fail('TagResource', { KeyId: key.KeyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] });
  assert.match(e.message, /kms:TagResource .* with an explicit deny in a resource-based policy$/);
});
