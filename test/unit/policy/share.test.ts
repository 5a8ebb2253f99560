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
import { accountIdProblem, sharePolicy, shareStatements, temporaryGrant } from '../../../src-core/policy/share';

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

// The cases AWS documents one by one, each checked against its page and then through the evaluator (a
// service principal calls as itself: no account, the key policy alone decides).
const decideFor = (policy: string, principal: string, action: string, extra: Record<string, string> = {}) =>
  decide(policy, [], { principal, accountId: /::(\d{12}):/.exec(principal)?.[1] ?? OTHER, action, keyArn: KEY, context: extra }).decision;

test('AMIs and EBS snapshots: DescribeKey, ReEncrypt*, Decrypt, and CreateGrant only for AWS resources', () => {
  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html (AMIs with encrypted
  // snapshots: kms:DescribeKey, kms:ReEncrypt*, kms:CreateGrant, kms:Decrypt for the other account).
  const statements = shareStatements(symmetric, OTHER, ['snapshots']);
  assert.deepEqual(statements.map((s) => [s.Action, s.Condition]), [
    [['kms:DescribeKey', 'kms:ReEncrypt*', 'kms:Decrypt'], undefined],
    ['kms:CreateGrant', { Bool: { 'kms:GrantIsForAWSResource': 'true' } }],
  ]);
  const shared = sharePolicy(POLICY, symmetric, OTHER, ['snapshots']);
  const role = `arn:aws:iam::${OTHER}:role/Ec2Launcher`;
  assert.equal(decideFor(shared, role, 'kms:ReEncryptFrom'), 'iam');
  assert.equal(decideFor(shared, role, 'kms:CreateGrant', { 'kms:GrantIsForAWSResource': 'true' }), 'iam');
  assert.equal(decideFor(shared, role, 'kms:CreateGrant'), 'implicit-deny');
  assert.equal(decideFor(shared, role, 'kms:Encrypt'), 'implicit-deny');
});

test('S3 replication destination: the source account may Encrypt, nothing else', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html (cross-account:
  // the destination key's owner lets the source bucket owner encrypt with kms:Encrypt).
  const [s] = shareStatements(symmetric, OTHER, ['s3-replication']);
  assert.deepEqual([s.Principal, s.Action], [{ AWS: `arn:aws:iam::${OTHER}:root` }, ['kms:Encrypt']]);
  const shared = sharePolicy(POLICY, symmetric, OTHER, ['s3-replication']);
  assert.equal(decideFor(shared, `arn:aws:iam::${OTHER}:role/s3-replication`, 'kms:Encrypt'), 'iam');
  assert.equal(decideFor(shared, `arn:aws:iam::${OTHER}:role/s3-replication`, 'kms:Decrypt'), 'implicit-deny');
});

test('decrypt for one role of another account names that role, and only it', () => {
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html (a key
  // policy may name a principal of the other account; its IAM policy must allow the call as well).
  const [s] = shareStatements(symmetric, OTHER, ['role-decrypt'], { roleName: 'app/Reader' });
  assert.deepEqual([s.Principal, s.Action], [{ AWS: `arn:aws:iam::${OTHER}:role/app/Reader` }, ['kms:Decrypt', 'kms:DescribeKey']]);
  const shared = sharePolicy(POLICY, symmetric, OTHER, ['role-decrypt'], { roleName: 'app/Reader' });
  assert.equal(decideFor(shared, `arn:aws:iam::${OTHER}:role/app/Reader`, 'kms:Decrypt'), 'iam');
  assert.equal(decideFor(shared, `arn:aws:iam::${OTHER}:role/Other`, 'kms:Decrypt'), 'implicit-deny');
  assert.throws(() => shareStatements(symmetric, OTHER, ['role-decrypt']), { name: 'ValidationException', message: /needs a role name/ });
  assert.throws(() => shareStatements(symmetric, OTHER, ['role-decrypt'], { roleName: 'bad name' }), { name: 'ValidationException' });
});

test('CloudTrail: the service principal with aws:SourceArn of the trail and the trail encryption context', () => {
  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
  // ("Allow CloudTrail to encrypt logs": kms:GenerateDataKey*, aws:SourceArn the trail's ARN,
  // kms:EncryptionContext:aws:cloudtrail:arn StringLike arn:aws:cloudtrail:*:ACCOUNT:trail/*; and DescribeKey).
  const trail = `arn:aws:cloudtrail:us-east-1:${OTHER}:trail/org-trail`;
  const [encrypt, describe] = shareStatements(symmetric, OTHER, ['cloudtrail'], { trailName: 'org-trail' });
  assert.deepEqual(encrypt.Principal, { Service: 'cloudtrail.amazonaws.com' });
  assert.equal(encrypt.Action, 'kms:GenerateDataKey*');
  assert.deepEqual(encrypt.Condition, {
    StringEquals: { 'aws:SourceArn': trail },
    StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${OTHER}:trail/*` },
  });
  assert.deepEqual([describe.Action, describe.Condition], ['kms:DescribeKey', { StringEquals: { 'aws:SourceArn': trail } }]);
  const shared = sharePolicy(POLICY, symmetric, OTHER, ['cloudtrail'], { trailName: 'org-trail' });
  assert.deepEqual(lintPolicyText(shared).filter((f) => f.severity === 'error'), []);
  const service = 'cloudtrail.amazonaws.com';
  const call = (sourceArn: string) => decide(shared, [], {
    principal: service, action: 'kms:GenerateDataKey', keyArn: KEY,
    context: { 'aws:SourceArn': sourceArn, 'kms:EncryptionContext:aws:cloudtrail:arn': sourceArn },
  }).decision;
  assert.equal(call(trail), 'allow');
  assert.equal(call(`arn:aws:cloudtrail:us-east-1:${OTHER}:trail/another`), 'implicit-deny');
});

test('CloudWatch Logs: the Regional service principal, limited to the account\'s log groups', () => {
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html (Principal
  // logs.REGION.amazonaws.com; ArnLike kms:EncryptionContext:aws:logs:arn arn:aws:logs:REGION:ACCOUNT:log-group:*).
  const [s] = shareStatements(symmetric, OTHER, ['logs']);
  assert.deepEqual(s.Principal, { Service: 'logs.us-east-1.amazonaws.com' });
  assert.deepEqual(s.Action, ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*']);
  assert.deepEqual(s.Condition, { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:${OTHER}:log-group:*` } });
  const shared = sharePolicy(POLICY, symmetric, OTHER, ['logs']);
  const call = (group: string) => decide(shared, [], {
    principal: 'logs.us-east-1.amazonaws.com', action: 'kms:GenerateDataKey', keyArn: KEY,
    context: { 'kms:EncryptionContext:aws:logs:arn': group },
  }).decision;
  assert.equal(call(`arn:aws:logs:us-east-1:${OTHER}:log-group:app`), 'allow');
  assert.equal(call(`arn:aws:logs:us-east-1:999988887777:log-group:app`), 'implicit-deny');
});

test('temporary access: a decrypt grant for the role, retired by the role, constrained by the encryption context', () => {
  // https://docs.aws.amazon.com/kms/latest/developerguide/create-grant-overview.html (grantee principal,
  // RetiringPrincipal, and an EncryptionContextSubset constraint).
  const grant = temporaryGrant(symmetric, OTHER, 'Reader', { project: 'alpha' });
  assert.deepEqual(grant, {
    KeyId: KEY,
    GranteePrincipal: `arn:aws:iam::${OTHER}:role/Reader`,
    RetiringPrincipal: `arn:aws:iam::${OTHER}:role/Reader`,
    Operations: ['Decrypt', 'DescribeKey'],
    Constraints: { EncryptionContextSubset: { project: 'alpha' } },
    Name: `temporary-decrypt-${OTHER}-Reader`,
  });
  assert.equal(temporaryGrant(symmetric, OTHER, 'Reader').Constraints, undefined);
  assert.throws(() => temporaryGrant({ keyArn: KEY, keyUsage: 'SIGN_VERIFY' }, OTHER, 'Reader'), { name: 'ValidationException' });
  assert.throws(() => temporaryGrant(symmetric, ACCT, 'Reader'), { name: 'ValidationException' });
  const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v']));
  assert.throws(() => temporaryGrant(symmetric, OTHER, 'Reader', nine), { message: /at most 8/ });
});
