/** AWS's evaluation rules, table-driven: each row is a policy, a request and the expected decision. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GrantRecord } from '../../../src-core/kms/state';
import { evaluate, type EvaluationRequest } from '../../../src-core/policy/evaluate';

const ACCT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ALICE = `arn:aws:iam::${ACCT}:user/alice`;
const BOB = `arn:aws:iam::${ACCT}:user/bob`;
const ROLE = `arn:aws:iam::${ACCT}:role/app/AppRole`;
const SESSION = `arn:aws:sts::${ACCT}:assumed-role/AppRole/s1`;
const EVE = 'arn:aws:iam::444455556666:user/eve';

type Statement = Record<string, unknown>;
const allow = (extra: Statement): Statement => ({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*', ...extra });
const deny = (extra: Statement): Statement => ({ Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', ...extra });

interface Row {
  name: string;
  statements: Statement[];
  request?: Partial<EvaluationRequest>;
  version?: string;
  expect: 'allow' | 'explicit-deny' | 'no-allow';
  /** Index of the deciding statement, when a statement decides. */
  by?: number;
}

const rows: Row[] = [
  { name: 'nothing allows → implicit deny', statements: [], expect: 'no-allow' },
  { name: 'a matching Allow allows', statements: [allow({})], expect: 'allow', by: 0 },
  { name: 'explicit Deny wins over Allow', statements: [allow({}), deny({})], expect: 'explicit-deny', by: 1 },
  { name: 'Deny that does not match leaves Allow', statements: [allow({}), deny({ Action: 'kms:Encrypt' })], expect: 'allow', by: 0 },
  { name: 'another principal is not allowed', statements: [allow({})], request: { principal: BOB }, expect: 'no-allow' },
  { name: 'account root statement allows every principal of the account', statements: [allow({ Principal: { AWS: `arn:aws:iam::${ACCT}:root` } })], request: { principal: BOB }, expect: 'allow' },
  { name: 'bare account ID works like the root ARN', statements: [allow({ Principal: { AWS: ACCT } })], request: { principal: BOB }, expect: 'allow' },
  { name: 'account statement does not cover another account', statements: [allow({ Principal: { AWS: ACCT } })], request: { principal: EVE, accountId: '444455556666' }, expect: 'no-allow' },
  { name: 'Principal "*" covers everyone', statements: [allow({ Principal: '*' })], request: { principal: EVE, accountId: '444455556666' }, expect: 'allow' },
  { name: 'role ARN covers its assumed-role sessions (path ignored)', statements: [allow({ Principal: { AWS: ROLE } })], request: { principal: SESSION }, expect: 'allow' },
  { name: 'service principal', statements: [allow({ Principal: { Service: 'logs.amazonaws.com' } })], request: { principal: 'logs.amazonaws.com', accountId: undefined }, expect: 'allow' },
  { name: 'NotPrincipal Allow applies to everyone else', statements: [{ Effect: 'Allow', NotPrincipal: { AWS: BOB }, Action: 'kms:Decrypt', Resource: '*' }], expect: 'allow', by: 0 },
  { name: 'NotPrincipal Allow excludes the listed principal (with its account)', statements: [{ Effect: 'Allow', NotPrincipal: { AWS: [ALICE, ACCT] }, Action: 'kms:Decrypt', Resource: '*' }], expect: 'no-allow' },
  { name: 'NotPrincipal Deny spares the listed user and account', statements: [allow({}), { Effect: 'Deny', NotPrincipal: { AWS: [ALICE, `arn:aws:iam::${ACCT}:root`] }, Action: 'kms:*', Resource: '*' }], expect: 'allow' },
  { name: 'NotPrincipal Deny without the account ARN denies the listed user too', statements: [allow({}), { Effect: 'Deny', NotPrincipal: { AWS: ALICE }, Action: 'kms:*', Resource: '*' }], expect: 'explicit-deny' },
  { name: 'NotPrincipal Deny naming a role still denies its sessions', statements: [allow({ Principal: { AWS: ROLE } }), { Effect: 'Deny', NotPrincipal: { AWS: [ROLE, ACCT] }, Action: 'kms:*', Resource: '*' }], request: { principal: SESSION }, expect: 'explicit-deny' },
  { name: 'NotPrincipal Deny listing session, role and account spares the session', statements: [allow({ Principal: { AWS: ROLE } }), { Effect: 'Deny', NotPrincipal: { AWS: [SESSION, ROLE, ACCT] }, Action: 'kms:*', Resource: '*' }], request: { principal: SESSION }, expect: 'allow' },
  { name: 'action wildcard', statements: [allow({ Action: 'kms:Decr*' })], expect: 'allow' },
  { name: 'action names are case-insensitive', statements: [allow({ Action: 'KMS:decrypt' })], expect: 'allow' },
  { name: 'Action "*"', statements: [allow({ Action: '*' })], expect: 'allow' },
  { name: 'NotAction excludes the action', statements: [allow({ Action: undefined, NotAction: 'kms:Decrypt' })], expect: 'no-allow' },
  { name: 'NotAction covers other actions', statements: [allow({ Action: undefined, NotAction: 'kms:Encrypt' })], expect: 'allow' },
  { name: 'Resource must match the key', statements: [allow({ Resource: 'arn:aws:kms:us-east-1:111122223333:key/other' })], expect: 'no-allow' },
  { name: 'Resource ARN pattern matching the key', statements: [allow({ Resource: 'arn:aws:kms:*:111122223333:key/*' })], expect: 'allow' },
  { name: 'NotResource', statements: [allow({ Resource: undefined, NotResource: KEY })], expect: 'no-allow' },
  // Conditions
  { name: 'StringEquals on caller account (derived from the caller)', statements: [allow({ Principal: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCT } } })], expect: 'allow' },
  { name: 'StringEquals mismatch', statements: [allow({ Principal: '*', Condition: { StringEquals: { 'kms:CallerAccount': '999999999999' } } })], expect: 'no-allow' },
  { name: 'condition key names are case-insensitive', statements: [allow({ Condition: { StringEquals: { 'KMS:callerACCOUNT': ACCT } } })], expect: 'allow' },
  { name: 'values are OR-ed', statements: [allow({ Condition: { StringEquals: { 'kms:CallerAccount': ['999999999999', ACCT] } } })], expect: 'allow' },
  { name: 'keys are AND-ed', statements: [allow({ Condition: { StringEquals: { 'kms:CallerAccount': ACCT, 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } })], expect: 'no-allow' },
  { name: 'operators are AND-ed', statements: [allow({ Condition: { StringEquals: { 'kms:CallerAccount': ACCT }, Bool: { 'aws:SecureTransport': 'true' } } })], request: { context: { 'aws:SecureTransport': true } }, expect: 'allow' },
  { name: 'missing key: positive operator is false', statements: [allow({ Condition: { StringEquals: { 'kms:EncryptionContext:tenant': 'a' } } })], expect: 'no-allow' },
  { name: 'missing key: negated operator is true', statements: [allow({ Condition: { StringNotEquals: { 'kms:EncryptionContext:tenant': 'a' } } })], expect: 'allow' },
  { name: 'missing key: IfExists is true', statements: [allow({ Condition: { StringEqualsIfExists: { 'kms:EncryptionContext:tenant': 'a' } } })], expect: 'allow' },
  { name: 'present key: IfExists compares', statements: [allow({ Condition: { StringEqualsIfExists: { 'kms:EncryptionContext:tenant': 'a' } } })], request: { context: { 'kms:EncryptionContext:tenant': 'b' } }, expect: 'no-allow' },
  { name: 'EncryptionContext key part is case-insensitive, value is not', statements: [allow({ Condition: { StringEquals: { 'kms:EncryptionContext:Tenant': 'a' } } })], request: { context: { 'kms:EncryptionContext:tenant': 'a' } }, expect: 'allow' },
  { name: 'StringEqualsIgnoreCase', statements: [allow({ Condition: { StringEqualsIgnoreCase: { 'kms:EncryptionContext:tenant': 'ACME' } } })], request: { context: { 'kms:EncryptionContext:tenant': 'acme' } }, expect: 'allow' },
  { name: 'StringLike wildcards', statements: [allow({ Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } } })], request: { context: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }, expect: 'allow' },
  { name: 'StringEquals does not expand wildcards', statements: [allow({ Condition: { StringEquals: { 'kms:ViaService': 's3.*.amazonaws.com' } } })], request: { context: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }, expect: 'no-allow' },
  { name: 'StringNotLike', statements: [allow({ Condition: { StringNotLike: { 'kms:ViaService': 's3.*' } } })], request: { context: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } }, expect: 'allow' },
  { name: 'Null true: key absent', statements: [allow({ Condition: { Null: { 'kms:EncryptionContextKeys': 'true' } } })], expect: 'allow' },
  { name: 'Null false: key present', statements: [allow({ Condition: { Null: { 'kms:EncryptionContextKeys': 'false' } } })], expect: 'no-allow' },
  { name: 'ForAnyValue: one request value matches', statements: [allow({ Condition: { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': ['tenant', 'x'] } } })], request: { context: { 'kms:EncryptionContextKeys': ['tenant', 'other'] } }, expect: 'allow' },
  { name: 'ForAnyValue: absent key is false', statements: [allow({ Condition: { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'tenant' } } })], expect: 'no-allow' },
  { name: 'ForAllValues: every request value must match', statements: [allow({ Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenant'] } } })], request: { context: { 'kms:EncryptionContextKeys': ['tenant', 'other'] } }, expect: 'no-allow' },
  { name: 'ForAllValues: all match', statements: [allow({ Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenant', 'other'] } } })], request: { context: { 'kms:EncryptionContextKeys': ['tenant'] } }, expect: 'allow' },
  { name: 'ForAllValues: absent key is true (empty set)', statements: [allow({ Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': 'tenant' } } })], expect: 'allow' },
  { name: 'ForAllValues:StringNotEquals: no request value is listed', statements: [allow({ Condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['owner'] } } })], request: { context: { 'aws:TagKeys': ['env', 'owner'] } }, expect: 'no-allow' },
  { name: 'NumericLessThan', statements: [allow({ Condition: { NumericLessThan: { 'kms:ScheduleKeyDeletionPendingWindowInDays': '10' } } })], request: { context: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 7 } }, expect: 'allow' },
  { name: 'NumericGreaterThanEquals false', statements: [allow({ Condition: { NumericGreaterThanEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 30 } } })], request: { context: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 7 } }, expect: 'no-allow' },
  { name: 'NumericNotEquals', statements: [allow({ Condition: { NumericNotEquals: { 'kms:RotationPeriodInDays': 365 } } })], request: { context: { 'kms:RotationPeriodInDays': 90 } }, expect: 'allow' },
  { name: 'DateLessThan with ISO and epoch', statements: [allow({ Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } })], request: { context: { 'aws:CurrentTime': '2026-11-23T10:00:00Z' } }, expect: 'allow' },
  { name: 'DateGreaterThan epoch seconds', statements: [allow({ Condition: { DateGreaterThan: { 'aws:EpochTime': '1893456000' } } })], request: { context: { 'aws:EpochTime': 1700000000 } }, expect: 'no-allow' },
  { name: 'Bool accepts JSON booleans', statements: [allow({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': true } } })], request: { action: 'kms:CreateGrant', context: { 'kms:GrantIsForAWSResource': true } }, expect: 'allow' },
  { name: 'Bool false does not match true', statements: [allow({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'false' } } })], request: { action: 'kms:CreateGrant', context: { 'kms:GrantIsForAWSResource': true } }, expect: 'no-allow' },
  { name: 'IpAddress in range', statements: [allow({ Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } } })], request: { context: { 'aws:SourceIp': '2001:db8::1' } }, expect: 'allow' },
  { name: 'NotIpAddress', statements: [allow({ Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })], request: { context: { 'aws:SourceIp': '10.9.9.9' } }, expect: 'no-allow' },
  { name: 'ArnLike matches per ARN part', statements: [allow({ Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:user/*` } } })], expect: 'allow' },
  { name: 'ArnLike "*" in the account part', statements: [allow({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/alice' } } })], expect: 'allow' },
  { name: 'ArnLike "?" matches one character of its part only', statements: [allow({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::bucket-?' } } })], request: { context: { 'aws:SourceArn': 'arn:aws:s3:::bucket-12' } }, expect: 'no-allow' },
  { name: 'ArnNotEquals', statements: [allow({ Condition: { ArnNotEquals: { 'aws:PrincipalArn': BOB } } })], expect: 'allow' },
  { name: 'aws:PrincipalArn of a session is its role ARN', statements: [allow({ Principal: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/AppRole` } } })], request: { principal: SESSION }, expect: 'allow' },
  { name: 'BinaryEquals', statements: [allow({ Condition: { BinaryEquals: { 'aws:UserAgent': 'QUJD' } } })], request: { context: { 'aws:UserAgent': 'QUJD' } }, expect: 'allow' },
  { name: 'policy variable ${aws:username}', statements: [allow({ Principal: '*', Condition: { StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } } })], request: { context: { 'kms:EncryptionContext:owner': 'alice' } }, expect: 'allow' },
  { name: 'policy variable value is literal, not a wildcard', statements: [allow({ Principal: '*', Condition: { StringLike: { 'kms:EncryptionContext:owner': '${aws:PrincipalTag/team}-*' } } })], request: { context: { 'aws:PrincipalTag/team': 'a*', 'kms:EncryptionContext:owner': 'ab-1' } }, expect: 'no-allow' },
  { name: 'policy variable with default', statements: [allow({ Condition: { StringEquals: { 'kms:EncryptionContext:team': "${aws:PrincipalTag/team, 'none'}" } } })], request: { context: { 'kms:EncryptionContext:team': 'none' } }, expect: 'allow' },
  { name: 'variables are literal under Version 2008-10-17', version: '2008-10-17', statements: [allow({ Condition: { StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } } })], request: { context: { 'kms:EncryptionContext:owner': 'alice' } }, expect: 'no-allow' },
  { name: 'a statement without a valid Effect never applies', statements: [allow({ Effect: 'allow' })], expect: 'no-allow' },
  { name: 'ViaService from the request', statements: [allow({ Principal: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCT, 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } } })], request: { context: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } }, expect: 'allow' },
];
for (const row of rows) {
  test(`evaluate: ${row.name}`, () => {
    const policy = JSON.stringify({ Version: row.version ?? '2012-10-17', Statement: row.statements });
    const req: EvaluationRequest = { principal: ALICE, accountId: ACCT, action: 'kms:Decrypt', keyArn: KEY, ...row.request };
    const result = evaluate(policy, [], req);
    const got = result.allowed ? 'allow' : result.reason;
    assert.equal(got, row.expect);
    if (row.by !== undefined) assert.deepEqual(result.decidedBy && 'index' in result.decidedBy ? result.decidedBy.index : undefined, row.by);
  });
}

const grant = (extra: Partial<GrantRecord>): GrantRecord => ({
  grantId: 'g1', createdAt: 0, granteePrincipal: BOB, issuingAccount: ACCT, operations: ['Decrypt'], tokens: ['t1'], ...extra,
});
const rootOnlyAlice = JSON.stringify({ Version: '2012-10-17', Statement: [allow({})] });
const bobDecrypt = (context = {}): EvaluationRequest => ({ principal: BOB, accountId: ACCT, action: 'kms:Decrypt', keyArn: KEY, context });

test('grants: the grantee may perform the granted operation', () => {
  assert.deepEqual(evaluate(rootOnlyAlice, [grant({})], bobDecrypt()), { allowed: true, decidedBy: { kind: 'grant', grantId: 'g1' } });
});

test('grants: other operations and other principals are not allowed', () => {
  assert.equal(evaluate(rootOnlyAlice, [grant({ operations: ['Encrypt'] })], bobDecrypt()).allowed, false);
  assert.equal(evaluate(rootOnlyAlice, [grant({ granteePrincipal: ALICE.replace('alice', 'carol') })], bobDecrypt()).allowed, false);
});

test('grants: EncryptionContextSubset requires the pairs, Equals requires exactly them', () => {
  const subset = grant({ constraints: { EncryptionContextSubset: { tenant: 'a' } } });
  assert.equal(evaluate(rootOnlyAlice, [subset], bobDecrypt({ 'kms:EncryptionContext:tenant': 'a', 'kms:EncryptionContext:x': 'y' })).allowed, true);
  assert.equal(evaluate(rootOnlyAlice, [subset], bobDecrypt({ 'kms:EncryptionContext:tenant': 'b' })).allowed, false);
  const equals = grant({ constraints: { EncryptionContextEquals: { tenant: 'a' } } });
  assert.equal(evaluate(rootOnlyAlice, [equals], bobDecrypt({ 'kms:EncryptionContext:tenant': 'a' })).allowed, true);
  assert.equal(evaluate(rootOnlyAlice, [equals], bobDecrypt({ 'kms:EncryptionContext:tenant': 'a', 'kms:EncryptionContext:x': 'y' })).allowed, false);
});

test('grants: a role grantee covers its sessions; a service grantee its service', () => {
  assert.equal(evaluate(rootOnlyAlice, [grant({ granteePrincipal: ROLE })], { ...bobDecrypt(), principal: SESSION }).allowed, true);
  const svc = grant({ granteePrincipal: undefined, granteeServicePrincipal: 'rds.amazonaws.com' });
  assert.equal(evaluate(rootOnlyAlice, [svc], { principal: 'rds.amazonaws.com', action: 'kms:Decrypt', keyArn: KEY }).allowed, true);
});

test('grants cannot override an explicit deny', () => {
  const denyAll = JSON.stringify({ Version: '2012-10-17', Statement: [deny({})] });
  assert.equal(evaluate(denyAll, [grant({})], bobDecrypt()).reason, 'explicit-deny');
});

test('an unparseable policy allows nothing but grants still apply', () => {
  assert.equal(evaluate('{', [], bobDecrypt()).reason, 'no-allow');
  assert.equal(evaluate('{', [grant({})], bobDecrypt()).allowed, true);
});

test('root-only mode: an account statement matches only the root user', () => {
  const root = JSON.stringify({ Version: '2012-10-17', Statement: [allow({ Principal: { AWS: ACCT } })] });
  assert.equal(evaluate(root, [], bobDecrypt(), { accountPrincipals: 'root-only' }).allowed, false);
  assert.equal(evaluate(root, [], { ...bobDecrypt(), principal: `arn:aws:iam::${ACCT}:root` }, { accountPrincipals: 'root-only' }).allowed, true);
});
