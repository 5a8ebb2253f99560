/**
 * Share Key with Another Account: the statements follow AWS's documented cross-account statements
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html:
 * "Allow use of the key" and "Allow attachment of persistent resources" naming the other account's root),
 * the result lints clean, and the evaluator then leaves the other account's callers to their IAM policies.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessDiff } from '../../../src-core/policy/access-diff';
import { decide } from '../../../src-core/policy/evaluate';
import { lintPolicyText } from '../../../src-core/policy/lint';
import { accountIdProblem, sharePolicy, shareStatements } from '../../../src-core/policy/share';

const ACCT = '111122223333';
const OTHER = '444455556666';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROOT = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'kms:*', Resource: '*' };
const POLICY = JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: [ROOT] });
const symmetric = { keyArn: KEY, keyUsage: 'ENCRYPT_DECRYPT' };

test('"use" is the documented "Allow use of the key" statement for the other account\'s root', () => {
  assert.deepEqual(shareStatements(symmetric, OTHER, ['use']), [{
    Sid: `Allow use of the key (account ${OTHER})`,
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    Resource: '*',
  }]);
});

test('"grant" lets AWS services attach grants only, through kms:GrantIsForAWSResource', () => {
  const [s] = shareStatements(symmetric, OTHER, ['grant']);
  assert.deepEqual(s.Action, ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant']);
  assert.deepEqual(s.Condition, { Bool: { 'kms:GrantIsForAWSResource': 'true' } });
});

test('"admin" gives only what another account can manage, with no key-administration action', () => {
  const [s] = shareStatements(symmetric, OTHER, ['admin']);
  assert.deepEqual(s.Action, ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:DescribeKey', 'kms:GetKeyRotationStatus']);
  assert.equal(s.Condition, undefined);
});

test('"use" follows the key usage: signing, MAC and key-agreement keys get their own operations', () => {
  const actions = (keyUsage: string) => shareStatements({ keyArn: KEY, keyUsage }, OTHER, ['use'])[0].Action;
  assert.deepEqual(actions('SIGN_VERIFY'), ['kms:Sign', 'kms:Verify', 'kms:GetPublicKey', 'kms:DescribeKey']);
  assert.deepEqual(actions('GENERATE_VERIFY_MAC'), ['kms:GenerateMac', 'kms:VerifyMac', 'kms:DescribeKey']);
  assert.deepEqual(actions('KEY_AGREEMENT'), ['kms:DeriveSharedSecret', 'kms:GetPublicKey', 'kms:DescribeKey']);
});

test('the principal carries the key\'s partition', () => {
  const [s] = shareStatements({ keyArn: `arn:aws-cn:kms:cn-north-1:${ACCT}:key/k`, keyUsage: 'ENCRYPT_DECRYPT' }, OTHER, ['use']);
  assert.deepEqual(s.Principal, { AWS: `arn:aws-cn:iam::${OTHER}:root` });
});

test('the account ID is 12 digits and not the key\'s own account', () => {
  assert.equal(accountIdProblem(OTHER, KEY), undefined);
  assert.match(accountIdProblem('4444', KEY) ?? '', /12 digits/);
  assert.match(accountIdProblem('44445555666a', KEY) ?? '', /12 digits/);
  assert.match(accountIdProblem(ACCT, KEY) ?? '', /the key's own account/);
  assert.throws(() => shareStatements(symmetric, ACCT, ['use']), { name: 'ValidationException' });
});

test('the shared policy keeps every statement, lints clean, and its access diff names the new account', () => {
  const shared = sharePolicy(POLICY, symmetric, OTHER, ['use', 'grant']);
  const doc = JSON.parse(shared) as { Id: string; Statement: { Sid: string }[] };
  assert.equal(doc.Id, 'key-default-1');
  assert.deepEqual(doc.Statement.map((s) => s.Sid), ['Enable IAM User Permissions', `Allow use of the key (account ${OTHER})`, `Allow attachment of persistent resources (account ${OTHER})`]);
  assert.deepEqual(lintPolicyText(shared).filter((f) => f.severity === 'error' || f.severity === 'warning'), []);
  const gains = accessDiff(POLICY, shared).filter((c) => c.change === 'gains');
  assert.ok(gains.length > 0 && gains.every((c) => c.who.includes(`account ${OTHER}`)), JSON.stringify(gains));
  assert.ok(gains.some((c) => c.actions.includes('Decrypt')));
});

test('sharing again replaces the account\'s statements instead of repeating them', () => {
  const once = sharePolicy(POLICY, symmetric, OTHER, ['use', 'grant']);
  const again = sharePolicy(once, symmetric, OTHER, ['use']);
  const sids = (JSON.parse(again) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
  assert.deepEqual(sids, ['Enable IAM User Permissions', `Allow attachment of persistent resources (account ${OTHER})`, `Allow use of the key (account ${OTHER})`]);
});

test('a policy with one statement object, or that is not JSON, is handled', () => {
  const single = JSON.stringify({ Version: '2012-10-17', Statement: ROOT });
  assert.equal((JSON.parse(sharePolicy(single, symmetric, OTHER, ['use'])) as { Statement: unknown[] }).Statement.length, 2);
  assert.throws(() => sharePolicy('{"Statement": [', symmetric, OTHER, ['use']), { name: 'MalformedPolicyDocumentException' });
  assert.throws(() => sharePolicy('[]', symmetric, OTHER, ['use']), { name: 'MalformedPolicyDocumentException' });
});

test('after sharing, the other account\'s callers decide by their IAM policies; non-shared actions stay denied', () => {
  const shared = sharePolicy(POLICY, symmetric, OTHER, ['use', 'grant']);
  const role = `arn:aws:iam::${OTHER}:role/Reader`;
  const req = (action: string, context = {}) => ({ principal: role, accountId: OTHER, action, keyArn: KEY, context });
  assert.equal(decide(POLICY, [], req('kms:Decrypt')).decision, 'implicit-deny');
  assert.equal(decide(shared, [], req('kms:Decrypt')).decision, 'iam');
  assert.equal(decide(shared, [], req('kms:CreateGrant', { 'kms:GrantIsForAWSResource': 'true' })).decision, 'iam');
  assert.equal(decide(shared, [], req('kms:CreateGrant')).decision, 'implicit-deny');
  assert.equal(decide(shared, [], req('kms:PutKeyPolicy')).decision, 'implicit-deny');
});
