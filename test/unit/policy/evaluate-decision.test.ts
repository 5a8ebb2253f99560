/**
 * The four decisions (allow, iam, explicit-deny, implicit-deny) with their deciding statements and
 * trace, written from AWS's documented evaluation logic for KMS keys:
 * - Key policies and "no principal has any permission unless explicitly allowed and never denied":
 *   https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html and key-policies.html
 * - The account principal in a key policy enables IAM policies (the `iam` outcome):
 *   https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 * - Cross-account access needs the key policy AND the external account's IAM policies ("neither the key
 *   policy nor the IAM policy is sufficient"), and only some operations work across accounts:
 *   https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 * - Grants allow (never deny), each to one grantee principal, possibly of another account; encryption
 *   context constraints bind only operations with an encryption context, keys case-insensitive, values
 *   case-sensitive: https://docs.aws.amazon.com/kms/latest/developerguide/grants.html and
 *   https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html
 * - Condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html and
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GrantRecord } from '../../../src-core/kms/state';
import { decide, type Decision, type EvaluationRequest } from '../../../src-core/policy/evaluate';
import { explainDecision, traceLines } from '../../../src-core/policy/explain';

const ACCT = '111122223333';
const OTHER = '444455556666';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ALICE = `arn:aws:iam::${ACCT}:user/alice`;
const BOB = `arn:aws:iam::${ACCT}:user/bob`;
const ROOT = `arn:aws:iam::${ACCT}:root`;
const EVE = `arn:aws:iam::${OTHER}:user/eve`;
const OTHER_ROLE_SESSION = `arn:aws:sts::${OTHER}:assumed-role/Reader/s1`;

type Statement = Record<string, unknown>;
const policy = (...statements: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
const allow = (extra: Statement = {}): Statement => ({ Sid: 'Allow', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*', ...extra });
const request = (extra: Partial<EvaluationRequest> = {}): EvaluationRequest => ({ principal: ALICE, accountId: ACCT, action: 'kms:Decrypt', keyArn: KEY, ...extra });
const grant = (extra: Partial<GrantRecord> = {}): GrantRecord => ({ grantId: 'g1', createdAt: 0, granteePrincipal: BOB, issuingAccount: ACCT, operations: ['Decrypt'], tokens: [], ...extra });

test('allow: a statement naming the principal allows on its own, and is the deciding statement with its line', () => {
  const text = policy({ Sid: 'Root', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }, allow());
  const d = decide(text, [], request());
  assert.equal(d.decision, 'allow');
  assert.deepEqual(d.statements, [{ index: 1, sid: 'Allow', line: 13 }]);
  assert.equal(text.split('\n')[12].trim(), '{');
  assert.equal(d.grant, null);
});

test('iam: a statement naming only the account leaves it to the IAM policies of the principal', () => {
  const d = decide(policy({ Sid: 'Root', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }), [], request({ principal: BOB }));
  assert.equal(d.decision, 'iam');
  assert.deepEqual(d.statements.map((s) => s.sid), ['Root']);
  assert.equal(d.trace[0].kind === 'statement' && d.trace[0].throughIam, true);
  // The account root itself is the account: the statement allows it directly.
  assert.equal(decide(policy({ Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'kms:*', Resource: '*' }), [], request({ principal: ROOT })).decision, 'allow');
});

test('explicit-deny wins over allow statements and grants, and lists every Deny that applies', () => {
  const text = policy(allow(), { Sid: 'No1', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' }, { Sid: 'No2', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' });
  const d = decide(text, [grant({ granteePrincipal: ALICE })], request());
  assert.equal(d.decision, 'explicit-deny');
  assert.deepEqual(d.statements.map((s) => s.sid), ['No1', 'No2']);
});

test('implicit-deny: nothing allows, with why each statement does not apply', () => {
  const why = explainDecision(policy(allow({ Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } })), [grant({ operations: ['Encrypt'] })], request());
  assert.equal(why.decision, 'implicit-deny');
  assert.deepEqual(why.deciding, []);
  assert.deepEqual(traceLines(why.trace), [
    '- statement "Allow" (line 4) Allow: does not apply, because the condition StringEquals kms:ViaService is not met: the request has no kms:ViaService (wanted StringEquals "s3.us-east-1.amazonaws.com")',
    '- grant g1: does not apply, because it allows Encrypt, not Decrypt',
  ]);
});

test('cross-account: a principal of another account needs its IAM policies even when named, or matched by "*"', () => {
  for (const Principal of [{ AWS: EVE }, { AWS: OTHER }, '*']) {
    assert.equal(decide(policy(allow({ Principal })), [], request({ principal: EVE, accountId: OTHER })).decision, 'iam', JSON.stringify(Principal));
  }
  assert.equal(decide(policy(allow({ Principal: { AWS: `arn:aws:iam::${OTHER}:role/Reader` } })), [], request({ principal: OTHER_ROLE_SESSION, accountId: OTHER })).decision, 'iam');
  assert.equal(decide(policy(allow({ Principal: { AWS: ACCT } })), [], request({ principal: EVE, accountId: OTHER })).decision, 'implicit-deny');
});

test('cross-account: operations KMS does not offer across accounts are refused whatever the policy says', () => {
  const d = decide(policy(allow({ Principal: '*', Action: 'kms:*' })), [], request({ principal: EVE, accountId: OTHER, action: 'kms:PutKeyPolicy' }));
  assert.equal(d.decision, 'implicit-deny');
  assert.match(JSON.stringify(d.trace), /cannot be used on a KMS key in another AWS account/);
});

test('account-level actions are decided by IAM only', () => {
  assert.equal(decide(policy({ Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' }), [], request({ action: 'kms:CreateKey' })).decision, 'iam');
});

test('grants: the grant allows on its own (also cross-account), and is named when no statement allows', () => {
  const d = decide(policy(allow()), [grant()], request({ principal: BOB }));
  assert.deepEqual([d.decision, d.grant, d.statements], ['allow', 'g1', []]);
  assert.equal(decide(policy(allow()), [grant({ granteePrincipal: EVE })], request({ principal: EVE, accountId: OTHER })).decision, 'allow');
  // A grant to an account reaches its other principals through their IAM policies.
  assert.equal(decide(policy(allow()), [grant({ granteePrincipal: `arn:aws:iam::${OTHER}:root` })], request({ principal: EVE, accountId: OTHER })).decision, 'iam');
});

test('grants: EncryptionContextSubset and EncryptionContextEquals (keys case-insensitive, values case-sensitive)', () => {
  const ec = (pairs: Record<string, string>) => Object.fromEntries(Object.entries(pairs).map(([k, v]) => [`kms:EncryptionContext:${k}`, v]));
  const subset = grant({ constraints: { EncryptionContextSubset: { Tenant: 'a' } } });
  const equals = grant({ constraints: { EncryptionContextEquals: { tenant: 'a' } } });
  const cases: [GrantRecord, Record<string, string>, Decision][] = [
    [subset, { tenant: 'a', extra: 'x' }, 'allow'],
    [subset, { tenant: 'A' }, 'implicit-deny'],
    [subset, {}, 'implicit-deny'],
    [equals, { TENANT: 'a' }, 'allow'],
    [equals, { tenant: 'a', extra: 'x' }, 'implicit-deny'],
  ];
  for (const [g, pairs, want] of cases) assert.equal(decide(policy(allow()), [g], request({ principal: BOB, context: ec(pairs) })).decision, want, JSON.stringify(pairs));
  // Constraints do not bind operations without an encryption context.
  assert.equal(decide(policy(allow()), [grant({ operations: ['DescribeKey'], constraints: { EncryptionContextEquals: { tenant: 'a' } } })], request({ principal: BOB, action: 'kms:DescribeKey' })).decision, 'allow');
});

test('NotPrincipal and NotAction', () => {
  const notBob = { Sid: 'NotBob', Effect: 'Allow', NotPrincipal: { AWS: [BOB, ROOT] }, Action: 'kms:Decrypt', Resource: '*' };
  assert.equal(decide(policy(notBob), [], request()).decision, 'allow');
  const why = explainDecision(policy(notBob), [], request({ principal: BOB }));
  assert.equal(why.decision, 'implicit-deny');
  assert.equal(why.statements[0].detail, `it exempts ${BOB}, ${ROOT}`);
  const notAction = allow({ Action: undefined, NotAction: 'kms:Decrypt' });
  assert.equal(decide(policy(notAction), [], request()).decision, 'implicit-deny');
  assert.equal(decide(policy(notAction), [], request({ action: 'kms:Encrypt' })).decision, 'allow');
});

/** Every condition key the issue lists, each met and not met. */
const conditionRows: { key: string; operator: string; want: string; met: Partial<EvaluationRequest>; notMet: Partial<EvaluationRequest> }[] = [
  { key: 'kms:EncryptionContext:tenant', operator: 'StringEquals', want: 'a', met: { context: { 'kms:EncryptionContext:tenant': 'a' } }, notMet: { context: { 'kms:EncryptionContext:tenant': 'b' } } },
  { key: 'kms:EncryptionContextKeys', operator: 'ForAnyValue:StringEquals', want: 'tenant', met: { context: { 'kms:EncryptionContextKeys': ['tenant', 'x'] } }, notMet: { context: { 'kms:EncryptionContextKeys': ['x'] } } },
  { key: 'kms:ViaService', operator: 'StringEquals', want: 'ebs.us-east-1.amazonaws.com', met: { context: { 'kms:ViaService': 'ebs.us-east-1.amazonaws.com' } }, notMet: {} },
  { key: 'kms:CallerAccount', operator: 'StringEquals', want: ACCT, met: {}, notMet: { principal: EVE, accountId: OTHER } },
  { key: 'kms:GrantIsForAWSResource', operator: 'Bool', want: 'true', met: { context: { 'kms:GrantIsForAWSResource': true } }, notMet: { context: { 'kms:GrantIsForAWSResource': false } } },
  { key: 'aws:PrincipalArn', operator: 'ArnLike', want: `arn:aws:iam::${ACCT}:user/a*`, met: {}, notMet: { principal: BOB } },
  { key: 'aws:PrincipalAccount', operator: 'StringEquals', want: ACCT, met: {}, notMet: { principal: EVE, accountId: OTHER } },
  { key: 'aws:PrincipalOrgID', operator: 'StringEquals', want: 'o-abc123', met: { context: { 'aws:PrincipalOrgID': 'o-abc123' } }, notMet: { context: { 'aws:PrincipalOrgID': 'o-zzz' } } },
  { key: 'aws:SourceVpce', operator: 'StringEquals', want: 'vpce-1a2b3c4d', met: { context: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }, notMet: {} },
  { key: 'aws:SourceIp', operator: 'IpAddress', want: '10.0.0.0/8', met: { context: { 'aws:SourceIp': '10.1.2.3' } }, notMet: { context: { 'aws:SourceIp': '192.0.2.1' } } },
  { key: 'aws:MultiFactorAuthPresent', operator: 'Bool', want: 'true', met: { context: { 'aws:MultiFactorAuthPresent': 'true' } }, notMet: {} },
  { key: 'aws:PrincipalTag/team', operator: 'StringEquals', want: 'web', met: { context: { 'aws:PrincipalTag/team': 'web' } }, notMet: { context: { 'aws:PrincipalTag/team': 'db' } } },
  { key: 'aws:RequestedRegion', operator: 'StringEquals', want: 'us-east-1', met: { context: { 'aws:RequestedRegion': 'us-east-1' } }, notMet: { context: { 'aws:RequestedRegion': 'eu-west-1' } } },
];
for (const row of conditionRows) {
  test(`condition key ${row.key}`, () => {
    // Principal "*" so the cross-account rows reach the condition (and a met one is then `iam`, not allow).
    const text = policy(allow({ Principal: '*', Condition: { [row.operator]: { [row.key]: row.want } } }));
    assert.equal(decide(text, [], request(row.met)).decision, 'allow');
    const miss = explainDecision(text, [], request(row.notMet));
    assert.equal(miss.decision, 'implicit-deny');
    assert.equal(miss.statements[0].because, `the condition ${row.operator} ${row.key} is not met`);
  });
}
