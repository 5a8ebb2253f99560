/** The engine's authorizer and the who-can-do-what explanation for the UI. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Caller } from '../../../src-core/kms/operation-context';
import type { GrantRecord, KeyRecord } from '../../../src-core/kms/state';
import { createPolicyAuthorizer, explainAccess, explainDecision } from '../../../src-core/policy/authorizer';
import { fixture } from './helpers';

const ACCT = '111122223333';
const caller = (name: string, accountId = ACCT): Caller => ({ accountId, region: 'us-east-1', principal: `arn:aws:iam::${accountId}:user/${name}` });

function keyWith(policy: string, grants: GrantRecord[] = []): KeyRecord {
  return {
    keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', arn: `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    accountId: ACCT, region: 'us-east-1', createdAt: 0, description: '', spec: 'SYMMETRIC_DEFAULT', usage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS', manager: 'CUSTOMER', state: 'Enabled', policy, tags: [], materials: [],
    rotation: { enabled: false, periodDays: 365, onDemandCount: 0 }, grants,
  };
}

const aliceOnly = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Alice uses the key', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:user/alice` }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' },
    { Sid: 'Nobody decrypts from outside', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, Bool: { 'aws:ViaAWSService': 'false' } } },
  ],
});

test('requests without a key are allowed for the caller\'s own account', () => {
  const decision = createPolicyAuthorizer().authorize({ caller: caller('bob'), action: 'kms:CreateKey', conditions: {} });
  assert.deepEqual(decision, { allowed: true, decidedBy: { kind: 'default' } });
});

test('account-level actions stay IAM-only when a key is named (ListAliases with a KeyId)', () => {
  const decision = createPolicyAuthorizer().authorize({ caller: caller('bob'), action: 'kms:ListAliases', key: keyWith(aliceOnly), conditions: {} });
  assert.deepEqual(decision, { allowed: true, decidedBy: { kind: 'default' } });
});

test('the default key policy allows every principal of the account, not other accounts', () => {
  const auth = createPolicyAuthorizer();
  const key = keyWith(fixture('aws-clean/default-key-policy.json'));
  assert.deepEqual(auth.authorize({ caller: caller('bob'), action: 'kms:Encrypt', key, conditions: {} }), { allowed: true, decidedBy: { kind: 'policy', index: 0, effect: 'Allow', sid: 'Enable IAM User Permissions' } });
  assert.deepEqual(auth.authorize({ caller: caller('eve', '444455556666'), action: 'kms:Encrypt', key, conditions: {} }), { allowed: false, reason: 'no-allow' });
});

test('a policy naming one principal is enforced', () => {
  const auth = createPolicyAuthorizer();
  const key = keyWith(aliceOnly);
  assert.equal(auth.authorize({ caller: caller('alice'), action: 'kms:Encrypt', key, conditions: {} }).allowed, true);
  assert.deepEqual(auth.authorize({ caller: caller('bob'), action: 'kms:Encrypt', key, conditions: {} }), { allowed: false, reason: 'no-allow' });
  assert.equal(auth.authorize({ caller: caller('alice'), action: 'kms:ScheduleKeyDeletion', key, conditions: {} }).allowed, false);
});

test('the caller\'s source IP and via-service feed the conditions; explicit deny is reported', () => {
  const auth = createPolicyAuthorizer();
  const key = keyWith(aliceOnly);
  const inside = auth.authorize({ caller: { ...caller('alice'), sourceIp: '10.1.1.1' }, action: 'kms:Decrypt', key, conditions: {} });
  assert.equal(inside.allowed, true);
  const outside = auth.authorize({ caller: { ...caller('alice'), sourceIp: '203.0.113.9' }, action: 'kms:Decrypt', key, conditions: {} });
  assert.deepEqual(outside, { allowed: false, decidedBy: { kind: 'policy', index: 1, effect: 'Deny', sid: 'Nobody decrypts from outside' }, reason: 'explicit-deny' });
  const viaService = auth.authorize({ caller: { ...caller('alice'), sourceIp: '203.0.113.9', viaService: 'ebs.us-east-1.amazonaws.com' }, action: 'kms:Decrypt', key, conditions: {} });
  assert.equal(viaService.allowed, true);
});

test('a grant lets its grantee in where the policy does not', () => {
  const grant: GrantRecord = { grantId: 'g-1', createdAt: 0, granteePrincipal: `arn:aws:iam::${ACCT}:user/bob`, issuingAccount: ACCT, operations: ['Encrypt'], tokens: [] };
  const decision = createPolicyAuthorizer().authorize({ caller: caller('bob'), action: 'kms:Encrypt', key: keyWith(aliceOnly, [grant]), conditions: {} });
  assert.deepEqual(decision, { allowed: true, decidedBy: { kind: 'grant', grantId: 'g-1' } });
});

test('the policy is re-read when the key policy text changes', () => {
  const auth = createPolicyAuthorizer();
  assert.equal(auth.authorize({ caller: caller('bob'), action: 'kms:Encrypt', key: keyWith(aliceOnly), conditions: {} }).allowed, false);
  assert.equal(auth.authorize({ caller: caller('bob'), action: 'kms:Encrypt', key: keyWith(fixture('aws-clean/default-key-policy.json')), conditions: {} }).allowed, true);
});

test('explainAccess lists statements and grants in words', () => {
  const grant: GrantRecord = { grantId: 'g-1', createdAt: 0, granteePrincipal: `arn:aws:iam::${ACCT}:role/app`, issuingAccount: ACCT, operations: ['Decrypt'], tokens: [], constraints: { EncryptionContextSubset: { tenant: 'a' } } };
  const entries = explainAccess(fixture('aws-clean/console-default-symmetric.json'), [grant]);
  assert.equal(entries.length, 5);
  assert.deepEqual(entries[0].principals, [`every principal of account ${ACCT} (as its IAM policies allow)`]);
  // kms:* minus what a key policy cannot decide (CreateKey, ListKeys, custom key stores, RetireGrant…).
  assert.equal(entries[0].actions.length, 43);
  assert.ok(!entries[0].actions.includes('CreateKey') && entries[0].actions.includes('PutKeyPolicy'));
  assert.deepEqual([...entries[2].actions].sort(), ['Decrypt', 'DescribeKey', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo']);
  assert.deepEqual(entries[3].conditions, ['kms:GrantIsForAWSResource Bool true']);
  assert.deepEqual(entries[4], { source: { kind: 'grant', grantId: 'g-1' }, effect: 'Allow', principals: [`arn:aws:iam::${ACCT}:role/app`], exceptPrincipals: false, actions: ['Decrypt'], conditions: ['encryption context includes tenant = a'] });
});

const KEY_ARN = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

test('explainDecision: an explicit deny, with what each statement made of the request', () => {
  const why = explainDecision(aliceOnly, [], { principal: `arn:aws:iam::${ACCT}:user/alice`, accountId: ACCT, action: 'kms:Decrypt', keyArn: KEY_ARN, context: { 'aws:SourceIp': '203.0.113.9', 'aws:ViaAWSService': false } });
  assert.equal(why.allowed, false);
  assert.equal(why.summary, 'Denied: statement "Nobody decrypts from outside" explicitly denies kms:Decrypt.');
  assert.deepEqual(why.statements.map((s) => [s.sid, s.applies]), [['Alice uses the key', true], ['Nobody decrypts from outside', true]]);
});

test('explainDecision: nothing allows, and why each statement did not', () => {
  const why = explainDecision(aliceOnly, [], { principal: `arn:aws:iam::${ACCT}:user/bob`, accountId: ACCT, action: 'kms:Decrypt', keyArn: KEY_ARN, context: { 'aws:SourceIp': '10.0.0.1' } });
  assert.equal(why.summary, `Denied: no statement of the key policy and no grant allows kms:Decrypt for arn:aws:iam::${ACCT}:user/bob.`);
  assert.deepEqual(why.statements.map((s) => s.because), ['the principal does not match', 'the condition NotIpAddress aws:SourceIp is not met']);
});

test('explainDecision: allowed by a statement or by a grant', () => {
  const req = { principal: `arn:aws:iam::${ACCT}:user/alice`, accountId: ACCT, action: 'kms:Encrypt', keyArn: KEY_ARN };
  assert.equal(explainDecision(aliceOnly, [], req).summary, 'Allowed by statement "Alice uses the key".');
  const grant: GrantRecord = { grantId: 'g-9', createdAt: 0, granteePrincipal: `arn:aws:iam::${ACCT}:user/bob`, issuingAccount: ACCT, operations: ['Encrypt'], tokens: [] };
  assert.equal(explainDecision(aliceOnly, [grant], { ...req, principal: `arn:aws:iam::${ACCT}:user/bob` }).summary, 'Allowed by grant g-9.');
  assert.match(explainDecision('{', [], req).summary, /not valid JSON/);
});
