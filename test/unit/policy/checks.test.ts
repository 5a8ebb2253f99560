/**
 * Every check, firing and not firing: each case names the code, the exact text the finding covers,
 * its severity and, where the check offers one, that applying its fix makes the finding go away.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding, LintOptions } from '../../../src-core/policy/lint';
import { CHECKS, isKeyPolicyDocument, lintDocument, lintPolicyText } from '../../../src-core/policy/lint';
import { fixture, policyWith } from './helpers';

const ACCT = '111122223333';
const ALICE = `arn:aws:iam::${ACCT}:user/alice`;
const OPTIONS: LintOptions = { accountIds: [ACCT] };

function applyFix(text: string, finding: Finding): string {
  const edits = [...finding.fix!.edits].sort((a, b) => b.offset - a.offset);
  return edits.reduce((t, e) => t.slice(0, e.offset) + e.newText + t.slice(e.offset + e.length), text);
}

/** A statement for alice (a named principal, so the wildcard and lockout checks stay quiet) with overrides. */
const stmt = (extra: Record<string, unknown>) => policyWith({ Sid: 'S', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*', ...extra });
const cond = (condition: Record<string, unknown>, extra: Record<string, unknown> = {}) => stmt({ Condition: condition, ...extra });
const only = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);

interface Case {
  code: string;
  text: string;
  /** The exact text the finding covers. */
  at: string;
  severity: Finding['severity'];
  /** Applying the finding's fix removes it. */
  fixes?: boolean;
  options?: LintOptions;
}

const fires: Case[] = [
  { code: 'json-syntax', text: '{"Version": "2012-10-17", "Statement": [}', at: '}', severity: 'error' },
  { code: 'json-syntax', text: '{"Version": "2012-10-17", // note\n "Statement": []}', at: '// note', severity: 'error' },
  { code: 'invalid-type', text: '["Version"]', at: '["Version"]', severity: 'error' },
  { code: 'invalid-version', text: JSON.stringify({ Version: '2012-10-18', Statement: JSON.parse(stmt({})).Statement }), at: '"2012-10-18"', severity: 'error', fixes: true },
  { code: 'missing-version', text: JSON.stringify({ Statement: JSON.parse(stmt({})).Statement }), at: '{', severity: 'info', fixes: true },
  { code: 'missing-version', text: JSON.stringify({ Statement: JSON.parse(stmt({ Condition: { StringEquals: { 'kms:EncryptionContext:user': '${aws:username}' } } })).Statement }), at: '{', severity: 'warning', fixes: true },
  { code: 'old-version', text: JSON.stringify({ Version: '2008-10-17', Statement: JSON.parse(stmt({})).Statement }), at: '"2008-10-17"', severity: 'info', fixes: true },
  { code: 'old-version', text: JSON.stringify({ Version: '2008-10-17', Statement: JSON.parse(cond({ StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } })).Statement }), at: '"2008-10-17"', severity: 'warning' },
  { code: 'unknown-element', text: stmt({ effect: 'Allow' }), at: '"effect"', severity: 'error', fixes: false },
  { code: 'unknown-element', text: JSON.stringify({ Version: '2012-10-17', Statment: [] , Statement: JSON.parse(stmt({})).Statement }), at: '"Statment"', severity: 'error' },
  { code: 'missing-element', text: stmt({ Resource: undefined }), at: '"S"', severity: 'error', fixes: true },
  { code: 'missing-element', text: stmt({ Principal: undefined }), at: '"S"', severity: 'error' },
  { code: 'missing-element', text: '{"Version": "2012-10-17"}', at: '{', severity: 'error' },
  { code: 'missing-element', text: '{"Version": "2012-10-17", "Statement": []}', at: '[]', severity: 'error' },
  { code: 'conflicting-elements', text: stmt({ NotPrincipal: { AWS: ALICE } }), at: '"NotPrincipal"', severity: 'error' },
  { code: 'invalid-effect', text: stmt({ Effect: 'allow' }), at: '"allow"', severity: 'error', fixes: true },
  { code: 'invalid-effect', text: stmt({ Effect: 'Permit' }), at: '"Permit"', severity: 'error' },
  { code: 'duplicate-sid', text: policyWith({ Sid: 'Root', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' }), at: '"Root"', severity: 'warning' },
  { code: 'empty-sid', text: stmt({ Sid: '' }), at: '""', severity: 'info' },
  { code: 'duplicate-key', text: '{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"}}', at: '"Version"', severity: 'error' },
  { code: 'invalid-character', text: stmt({ Sid: 'Snow ☃' }), at: '"Snow ☃"', severity: 'error' },
  { code: 'invalid-type', text: stmt({ Action: 5 }), at: '5', severity: 'error' },
  { code: 'invalid-type', text: cond({ StringEquals: { 'kms:CallerAccount': { a: 1 } } }), at: '{\n            "a": 1\n          }', severity: 'error' },
  { code: 'empty-value', text: stmt({ Action: [] }), at: '[]', severity: 'warning' },
  { code: 'unknown-action', text: stmt({ Action: 'kms:Decrypted' }), at: '"kms:Decrypted"', severity: 'error', fixes: true },
  { code: 'unknown-action', text: stmt({ Action: 'kms:Frobnicate*' }), at: '"kms:Frobnicate*"', severity: 'error' },
  { code: 'unknown-action', text: stmt({ Action: 'kmss:Decrypt' }), at: '"kmss:Decrypt"', severity: 'error', fixes: true },
  { code: 'unknown-action', text: stmt({ Action: 'Decrypt' }), at: '"Decrypt"', severity: 'error', fixes: true },
  { code: 'action-not-applicable', text: stmt({ Action: ['kms:Decrypt', 'kms:CreateKey'] }), at: '"kms:CreateKey"', severity: 'warning' },
  { code: 'action-not-applicable', text: stmt({ Action: ['kms:Decrypt', 's3:GetObject'] }), at: '"s3:GetObject"', severity: 'warning' },
  { code: 'action-not-applicable', text: stmt({ Action: 'kms:RetireGrant' }), at: '"kms:RetireGrant"', severity: 'warning' },
  { code: 'redundant-action', text: stmt({ Action: ['kms:*', 'kms:Decrypt'] }), at: '"kms:Decrypt"', severity: 'info' },
  { code: 'action-star', text: stmt({ Action: '*' }), at: '"*"', severity: 'info', fixes: true },
  { code: 'invalid-condition-value', text: cond({ ArnEquals: { 'aws:PrincipalArn': `arn:aws:sts::${ACCT}:assumed-role/App/session` } }), at: `"arn:aws:sts::${ACCT}:assumed-role/App/session"`, severity: 'warning' },
  { code: 'invalid-condition-value', text: cond({ StringEquals: { 'kms:GranteePrincipal': 'AppRole' } }, { Action: 'kms:CreateGrant' }), at: '"AppRole"', severity: 'warning' },
  { code: 'invalid-condition-value', text: cond({ StringEqualsIgnoreCase: { 'kms:RecipientAttestation:PCR0': 'not-a-digest' } }), at: '"not-a-digest"', severity: 'warning' },
  { code: 'not-action-allow', text: stmt({ Action: undefined, NotAction: 'kms:ScheduleKeyDeletion' }), at: '"NotAction"', severity: 'warning' },
  { code: 'resource-not-star', text: stmt({ Resource: `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` }), at: `"arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"`, severity: 'error', fixes: true },
  { code: 'not-resource', text: stmt({ Resource: undefined, NotResource: 'arn:aws:s3:::bucket' }), at: '"NotResource"', severity: 'error', fixes: true },
  { code: 'invalid-principal', text: stmt({ Principal: ALICE }), at: `"${ALICE}"`, severity: 'error', fixes: true },
  { code: 'invalid-principal', text: stmt({ Principal: { AWS: `arn:aws:iam::${ACCT}:group/admins` } }), at: `"arn:aws:iam::${ACCT}:group/admins"`, severity: 'error' },
  { code: 'invalid-principal', text: stmt({ Principal: { AWS: 'arn:aws:iam::*:root' } }), at: '"arn:aws:iam::*:root"', severity: 'error' },
  { code: 'invalid-principal', text: stmt({ Principal: { AWS: `arn:aws:iam::${ACCT}:role/*` } }), at: `"arn:aws:iam::${ACCT}:role/*"`, severity: 'error' },
  { code: 'invalid-principal', text: stmt({ Principal: { AWS: [ALICE, `arn:aws:iam::${ACCT}:user/dev-?`] } }), at: `"arn:aws:iam::${ACCT}:user/dev-?"`, severity: 'error' },
  { code: 'invalid-principal', text: stmt({ Principal: { AWS: `arn:aws:iam::${ACCT}:role/teams/*/deployer` } }), at: `"arn:aws:iam::${ACCT}:role/teams/*/deployer"`, severity: 'error' },
  { code: 'invalid-principal', text: stmt({ Principal: { AWS: `arn:aws:sts::${ACCT}:assumed-role/*/jane` } }), at: `"arn:aws:sts::${ACCT}:assumed-role/*/jane"`, severity: 'error' },
  { code: 'invalid-principal', text: stmt({ Principal: { AWS: 'arn:aws:iam:111122223333:user/x' } }), at: '"arn:aws:iam:111122223333:user/x"', severity: 'error' },
  { code: 'invalid-principal', text: stmt({ Principal: { Aws: ALICE } }), at: '"Aws"', severity: 'error' },
  { code: 'invalid-principal', text: stmt({ Principal: { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' } }), at: '"CanonicalUser"', severity: 'error' },
  { code: 'invalid-principal', text: stmt({ Principal: { Service: 'cloudtrail' } }), at: '"cloudtrail"', severity: 'error' },
  { code: 'invalid-principal', text: stmt({ Principal: {} }), at: '{}', severity: 'error' },
  { code: 'deleted-principal', text: stmt({ Principal: { AWS: 'AIDAJQABLZS4A3QDU576Q' } }), at: '"AIDAJQABLZS4A3QDU576Q"', severity: 'warning' },
  { code: 'redundant-principal', text: stmt({ Principal: { AWS: ['*', ALICE] }, Condition: { StringEquals: { 'kms:CallerAccount': ACCT } } }), at: '"*"', severity: 'info' },
  { code: 'not-principal-allow', text: stmt({ Principal: undefined, NotPrincipal: { AWS: ALICE } }), at: '"NotPrincipal"', severity: 'warning' },
  { code: 'not-principal-deny', text: stmt({ Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: ALICE } }), at: '"NotPrincipal"', severity: 'warning', fixes: true },
  { code: 'wildcard-principal', text: stmt({ Principal: '*' }), at: '"*"', severity: 'warning' },
  { code: 'wildcard-principal', text: stmt({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }), at: '"*"', severity: 'warning' },
  { code: 'wildcard-principal', text: stmt({ Principal: { AWS: '*' }, Condition: { StringNotEquals: { 'kms:CallerAccount': '999999999999' } } }), at: '"*"', severity: 'warning' },
  { code: 'unknown-condition-operator', text: cond({ StringEqual: { 'kms:CallerAccount': ACCT } }), at: '"StringEqual"', severity: 'error', fixes: true },
  { code: 'unknown-condition-operator', text: cond({ StringEqual: { 'kms:CallerAccount': ACCT }, StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }), at: '"StringEqual"', severity: 'error', fixes: false },
  { code: 'null-if-exists', text: cond({ NullIfExists: { 'kms:EncryptionContextKeys': 'false' } }), at: '"NullIfExists"', severity: 'error', fixes: true },
  { code: 'unknown-condition-key', text: cond({ StringEquals: { 'kms:CallerAcount': ACCT } }), at: '"kms:CallerAcount"', severity: 'error', fixes: true },
  { code: 'unknown-condition-key', text: cond({ StringEquals: { 's3:prefix': 'home/' } }), at: '"s3:prefix"', severity: 'warning' },
  { code: 'condition-key-not-allowed', text: cond({ StringEquals: { 'aws:ResourceTag/env': 'prod' } }), at: '"aws:ResourceTag/env"', severity: 'error' },
  { code: 'condition-key-not-allowed', text: cond({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/app' } }), at: '"kms:ResourceAliases"', severity: 'error' },
  { code: 'deprecated-condition-key', text: cond({ StringEquals: { 'kms:CustomerMasterKeySpec': 'SYMMETRIC_DEFAULT' } }), at: '"kms:CustomerMasterKeySpec"', severity: 'info', fixes: true },
  { code: 'missing-qualifier', text: cond({ StringEquals: { 'kms:EncryptionContextKeys': 'tenant' } }), at: '"StringEquals"', severity: 'error', fixes: true },
  { code: 'missing-qualifier', text: cond({ StringEquals: { 'kms:EncryptionContextKeys': 'tenant', 'kms:CallerAccount': ACCT } }), at: '"StringEquals"', severity: 'error', fixes: false },
  { code: 'unneeded-qualifier', text: cond({ 'ForAnyValue:StringEquals': { 'kms:CallerAccount': ACCT } }), at: '"ForAnyValue:StringEquals"', severity: 'warning', fixes: true },
  { code: 'unneeded-qualifier', text: cond({ 'ForAllValues:StringEquals': { 'kms:EncryptionContext:tenant': 'a' } }), at: '"ForAllValues:StringEquals"', severity: 'error', fixes: true },
  { code: 'for-all-values-empty-set', text: cond({ 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenant'] } }), at: '"ForAllValues:StringEquals"', severity: 'warning' },
  { code: 'null-with-qualifier', text: cond({ 'ForAnyValue:Null': { 'kms:EncryptionContextKeys': 'false' } }), at: '"ForAnyValue:Null"', severity: 'info', fixes: true },
  { code: 'condition-operator-mismatch', text: cond({ NumericEquals: { 'kms:CallerAccount': ACCT } }), at: '"NumericEquals"', severity: 'error' },
  { code: 'condition-operator-mismatch', text: cond({ StringEquals: { 'kms:GrantIsForAWSResource': 'true' } }, { Action: 'kms:CreateGrant' }), at: '"StringEquals"', severity: 'warning' },
  { code: 'invalid-condition-value', text: cond({ Bool: { 'aws:SecureTransport': 'yes' } }), at: '"yes"', severity: 'error' },
  { code: 'invalid-condition-value', text: cond({ NumericLessThan: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 'ten' } }, { Action: 'kms:ScheduleKeyDeletion' }), at: '"ten"', severity: 'error' },
  { code: 'invalid-condition-value', text: cond({ NumericLessThan: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 45 } }, { Action: 'kms:ScheduleKeyDeletion' }), at: '45', severity: 'warning' },
  { code: 'invalid-condition-value', text: cond({ DateGreaterThan: { 'aws:CurrentTime': 'tomorrow' } }), at: '"tomorrow"', severity: 'error' },
  { code: 'invalid-condition-value', text: cond({ IpAddress: { 'aws:SourceIp': '10.0.0.300' } }), at: '"10.0.0.300"', severity: 'error' },
  { code: 'invalid-condition-value', text: cond({ StringEquals: { 'kms:KeySpec': 'RSA2048' } }), at: '"RSA2048"', severity: 'warning', fixes: true },
  { code: 'invalid-condition-value', text: cond({ StringEquals: { 'kms:CallerAccount': '12345' } }), at: '"12345"', severity: 'warning' },
  { code: 'invalid-condition-value', text: cond({ StringEquals: { 'kms:RequestAlias': `arn:aws:kms:us-east-1:${ACCT}:alias/app` } }), at: `"arn:aws:kms:us-east-1:${ACCT}:alias/app"`, severity: 'warning', fixes: true },
  { code: 'invalid-condition-value', text: cond({ StringEquals: { 'kms:ViaService': 's3' } }), at: '"s3"', severity: 'warning' },
  { code: 'wildcard-without-like', text: cond({ StringEquals: { 'kms:ViaService': 's3.*.amazonaws.com' } }), at: '"s3.*.amazonaws.com"', severity: 'warning', fixes: true },
  { code: 'invalid-variable', text: cond({ StringEquals: { 'kms:EncryptionContext:owner': '${aws:username' } }), at: '"${aws:username"', severity: 'error' },
  { code: 'invalid-variable', text: cond({ NumericEquals: { 'aws:MultiFactorAuthAge': '${aws:username}' } }), at: '"${aws:username}"', severity: 'error' },
  { code: 'condition-key-not-supported', text: cond({ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, { Action: 'kms:Encrypt' }), at: '"kms:GrantIsForAWSResource"', severity: 'error' },
  { code: 'condition-key-not-supported', text: cond({ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, { Effect: 'Deny', Action: 'kms:Encrypt' }), at: '"kms:GrantIsForAWSResource"', severity: 'warning' },
  { code: 'condition-key-not-supported', text: cond({ BoolIfExists: { 'kms:GrantIsForAWSResource': 'true' } }, { Action: 'kms:Encrypt' }), at: '"kms:GrantIsForAWSResource"', severity: 'warning' },
  { code: 'condition-key-partial', text: cond({ StringEquals: { 'kms:EncryptionContext:tenant': 'a' } }, { Action: ['kms:Decrypt', 'kms:DescribeKey'] }), at: '"kms:EncryptionContext:tenant"', severity: 'info' },
  { code: 'via-service-with-service-principal', text: cond({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }, { Principal: { Service: 's3.amazonaws.com' } }), at: '"kms:ViaService"', severity: 'warning' },
  { code: 'lockout-risk', text: only({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' }), at: '"Statement"', severity: 'error', fixes: true, options: OPTIONS },
  { code: 'lockout-risk', text: policyWith({ Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*' }), at: '"Statement"', severity: 'error' },
  { code: 'lockout-risk', text: only({ Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'kms:*', Resource: `arn:aws:kms:us-east-1:${ACCT}:key/*` }), at: '"Statement"', severity: 'error' },
  { code: 'lockout-risk', text: fixture('aws-clean/console-default-symmetric.json'), at: '"Statement"', severity: 'error', options: { deployer: { accountId: '444455556666', region: 'us-east-1', principal: 'arn:aws:iam::444455556666:role/Deployer' } } },
  { code: 'lockout-risk', text: only({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:*', Resource: '*' }), at: '"Statement"', severity: 'error', options: OPTIONS },
  { code: 'lockout-conditional', text: only({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }), at: '"Statement"', severity: 'warning' },
  { code: 'private-source-ip', text: cond({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '10.20.0.0/16'] } }), at: '"10.20.0.0/16"', severity: 'warning' },
  { code: 'invalid-condition-value', text: cond({ StringEquals: { 'kms:ViaService': 's3.useast1.amazonaws.com' } }), at: '"s3.useast1.amazonaws.com"', severity: 'warning' },
  { code: 'redundant-condition-value', text: cond({ StringEquals: { 'kms:CallerAccount': [ACCT, ACCT] } }), at: `"${ACCT}"`, severity: 'info' },
  { code: 'lockout-conditional', text: only({ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'kms:*', Resource: '*' }), at: '"Statement"', severity: 'warning' },
  { code: 'unconstrained-create-grant', text: stmt({ Action: ['kms:Decrypt', 'kms:CreateGrant'] }), at: '"kms:CreateGrant"', severity: 'warning', fixes: true },
  { code: 'unconstrained-create-grant', text: cond({ StringEquals: { 'kms:CallerAccount': ACCT } }, { Action: 'kms:CreateGrant' }), at: '"kms:CreateGrant"', severity: 'warning', fixes: true },
  { code: 'network-deny-without-service-exception', text: policyWith({ Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }), at: '"aws:SourceIp"', severity: 'warning', fixes: true },
  { code: 'cross-account-action', text: stmt({ Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: ['kms:Decrypt', 'kms:ScheduleKeyDeletion'] }), at: '"kms:ScheduleKeyDeletion"', severity: 'warning', options: OPTIONS },
  { code: 'unknown-action', text: stmt({ Action: 'kms:ReEncrypt' }), at: '"kms:ReEncrypt"', severity: 'error', fixes: true },
  { code: 'action-not-for-key', text: stmt({ Action: ['kms:Sign', 'kms:Encrypt'] }), at: '"kms:Encrypt"', severity: 'warning', options: { key: { spec: 'RSA_2048', usage: 'SIGN_VERIFY' } } },
  { code: 'action-not-for-key', text: stmt({ Action: 'kms:ImportKeyMaterial' }), at: '"kms:ImportKeyMaterial"', severity: 'warning', options: { key: { origin: 'AWS_KMS' } } },
  { code: 'action-not-for-key', text: stmt({ Action: 'kms:ReplicateKey' }), at: '"kms:ReplicateKey"', severity: 'warning', options: { key: { multiRegion: false } } },
  { code: 'encryption-context-not-for-key', text: cond({ StringEquals: { 'kms:EncryptionContext:tenant': 'a' } }), at: '"kms:EncryptionContext:tenant"', severity: 'warning', options: { key: { spec: 'RSA_4096' } } },
  { code: 'account-wide-admin', text: stmt({ Principal: { AWS: '*' }, Action: 'kms:*', Condition: { StringEquals: { 'kms:CallerAccount': ACCT } } }), at: '"*"', severity: 'warning' },
  { code: 'allow-shadowed-by-deny', text: policyWith({ Sid: 'S', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' }, [{ Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }]), at: '"S"', severity: 'warning' },
  { code: 'duplicate-statement', text: policyWith({ Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'kms:*', Resource: '*' }), at: '"Root"', severity: 'info' },
  { code: 'duplicate-condition-key', text: cond({ StringEquals: { 'kms:CallerAccount': ACCT, 'kms:calleraccount': ACCT } }), at: '"kms:calleraccount"', severity: 'error' },
  { code: 'redundant-statement', text: policyWith({ Sid: 'Root decrypt', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:a': 'b' } } }), at: '"Root decrypt"', severity: 'info' },
  { code: 'mfa-condition-gap', text: policyWith({ Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }), at: '"Bool"', severity: 'warning', fixes: true },
];

/** Near misses: the same shapes written correctly, where the check must stay quiet. */
const quiet: { code: string; text: string; options?: LintOptions }[] = [
  { code: 'json-syntax', text: stmt({}) },
  { code: 'invalid-version', text: stmt({}) },
  { code: 'unknown-element', text: stmt({ Condition: { StringEquals: { 'kms:CallerAccount': ACCT } } }) },
  { code: 'missing-element', text: stmt({ Resource: ['*'] }) },
  { code: 'invalid-effect', text: stmt({ Effect: 'Deny' }) },
  { code: 'duplicate-sid', text: stmt({ Sid: 'Another' }) },
  { code: 'invalid-character', text: stmt({ Sid: 'Café für Ärzte' }) },
  { code: 'unknown-action', text: stmt({ Action: ['kms:decrypt', 'KMS:ReEncrypt*', 'kms:GenerateDataKey*', '*'] }) },
  { code: 'action-not-applicable', text: stmt({ Action: ['kms:Create*', 'kms:List*', 'kms:Describe*'] }) },
  { code: 'action-not-applicable', text: stmt({ Action: undefined, NotAction: 'kms:CreateKey' }) },
  { code: 'resource-not-star', text: stmt({ Resource: ['*'] }) },
  { code: 'invalid-principal', text: stmt({ Principal: { AWS: [ACCT, 'arn:aws-us-gov:iam::111122223333:role/a/b/C', `arn:aws:sts::${ACCT}:assumed-role/Admin/jane`, `arn:aws:sts::${ACCT}:federated-user/bob`] } }) },
  { code: 'invalid-principal', text: stmt({ Principal: { Service: ['logs.eu-west-1.amazonaws.com', 'cloudtrail.amazonaws.com'] } }) },
  { code: 'wildcard-principal', text: stmt({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:CallerAccount': ACCT } } }) },
  { code: 'wildcard-principal', text: stmt({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }) },
  { code: 'wildcard-principal', text: stmt({ Effect: 'Deny', Principal: '*' }) },
  { code: 'unknown-condition-key', text: cond({ StringEquals: { 'KMS:callerAccount': ACCT, 'kms:EncryptionContext:aws:pi:service': 'rds' } }) },
  { code: 'missing-qualifier', text: cond({ 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'tenant' } }) },
  { code: 'for-all-values-empty-set', text: cond({ 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenant'] }, Null: { 'kms:EncryptionContextKeys': 'false' } }) },
  { code: 'for-all-values-empty-set', text: cond({ 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } }, { Action: 'kms:CreateGrant' }) },
  { code: 'condition-operator-mismatch', text: cond({ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:*:111122223333:log-group:*' } }) },
  { code: 'condition-operator-mismatch', text: cond({ StringLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/*` } }) },
  { code: 'invalid-condition-value', text: cond({ Bool: { 'aws:SecureTransport': true }, NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' }, DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' }, IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:db8::/32'] } }) },
  { code: 'invalid-condition-value', text: cond({ StringLike: { 'kms:RequestAlias': 'alias/app-*', 'kms:ViaService': ['ec2.*.amazonaws.com', 'rds.cn-north-1.amazonaws.com.cn'] } }) },
  { code: 'wildcard-without-like', text: cond({ StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}', 'kms:EncryptionContext:path': '${*}' } }) },
  { code: 'condition-key-not-supported', text: cond({ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, { Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'] }) },
  { code: 'condition-key-partial', text: cond({ StringEquals: { 'kms:EncryptionContext:tenant': 'a' } }, { Action: ['kms:Decrypt', 'kms:Describe*'] }) },
  { code: 'lockout-risk', text: fixture('aws-clean/console-default-symmetric.json') },
  { code: 'lockout-risk', text: only({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Put*', Resource: '*' }) },
  { code: 'lockout-risk', text: policyWith({ Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*', Condition: { Bool: { 'kms:BypassPolicyLockoutSafetyCheck': 'true' } } }) },
  { code: 'lockout-risk', text: fixture('aws-clean/default-key-policy.json'), options: { deployer: { accountId: ACCT, region: 'us-east-1', principal: `arn:aws:sts::${ACCT}:assumed-role/Deployer/ci` } } },
  { code: 'lockout-conditional', text: only({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCT } } }) },
  { code: 'lockout-risk', text: only({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:*', Resource: '*' }) },
  { code: 'private-source-ip', text: cond({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] }, NotIpAddress: { 'aws:VpcSourceIp': '10.0.0.0/8' } }) },
  { code: 'redundant-condition-value', text: cond({ StringEquals: { 'kms:CallerAccount': [ACCT, '444455556666'] } }) },
  { code: 'missing-version', text: stmt({}) },
  { code: 'redundant-statement', text: fixture('aws-clean/console-default-symmetric.json') },
  { code: 'redundant-statement', text: policyWith({ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' }, [{ Sid: 'Alice more', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }]) },
  { code: 'action-star', text: stmt({ Effect: 'Deny', Action: undefined, NotAction: '*' }) },
  { code: 'invalid-condition-value', text: cond({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/App` }, StringEquals: { 'kms:RecipientAttestation:PCR0': '0x00ff' } }) },
  { code: 'duplicate-key', text: stmt({ Principal: { AWS: ALICE, Service: 'logs.amazonaws.com' } }) },
  { code: 'condition-key-not-allowed', text: cond({ StringEquals: { 'aws:RequestTag/env': 'prod' } }, { Action: 'kms:TagResource' }) },
  { code: 'unneeded-qualifier', text: cond({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'env' } }, { Action: 'kms:TagResource' }) },
  { code: 'old-version', text: stmt({}) },
  { code: 'conflicting-elements', text: stmt({ Action: undefined, NotAction: 'kms:ScheduleKeyDeletion' }) },
  { code: 'deleted-principal', text: stmt({ Principal: { AWS: `arn:aws:iam::${ACCT}:user/AIDAJQABLZS4A3QDU576Q` } }) },
  { code: 'deprecated-condition-key', text: cond({ StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT' } }) },
  { code: 'duplicate-condition-key', text: cond({ StringEquals: { 'kms:CallerAccount': ACCT }, StringLike: { 'kms:callerAccount': '1111*' } }) },
  { code: 'empty-sid', text: stmt({ Sid: 'Named' }) },
  { code: 'empty-value', text: stmt({ Action: ['kms:Decrypt'], Condition: { StringEquals: { 'kms:CallerAccount': [ACCT] } } }) },
  { code: 'invalid-type', text: stmt({ Sid: 'S', Action: ['kms:Decrypt'], Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 }, Bool: { 'aws:SecureTransport': true } } }) },
  { code: 'invalid-variable', text: cond({ StringLike: { 'kms:EncryptionContext:owner': '${aws:username}-*' }, ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:user/\${aws:username}` } }) },
  { code: 'not-action-allow', text: stmt({ Effect: 'Deny', Principal: '*', Action: undefined, NotAction: ['kms:Decrypt', 'kms:Describe*'] }) },
  { code: 'not-principal-allow', text: stmt({ Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: [ALICE, ACCT] } }) },
  { code: 'not-principal-deny', text: stmt({ Effect: 'Deny', Principal: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': ALICE } } }) },
  { code: 'not-resource', text: stmt({ Resource: '*' }) },
  { code: 'null-if-exists', text: cond({ Null: { 'kms:EncryptionContextKeys': 'false' } }) },
  { code: 'null-with-qualifier', text: cond({ Null: { 'kms:EncryptionContextKeys': 'false' } }) },
  { code: 'redundant-action', text: fixture('aws-clean/console-default-signing.json') },
  { code: 'redundant-principal', text: stmt({ Principal: { AWS: [ALICE, `arn:aws:iam::${ACCT}:user/bob`] } }) },
  { code: 'unknown-condition-operator', text: cond({ 'ForAnyValue:StringLikeIfExists': { 'kms:EncryptionContextKeys': 'a*' }, DateLessThanEqualsIfExists: { 'aws:CurrentTime': '2030-01-01' } }) },
  { code: 'via-service-with-service-principal', text: cond({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': ACCT } }) },
  { code: 'deleted-principal', text: fixture('aws-clean/autoscaling-slr.json') },
  { code: 'unconstrained-create-grant', text: cond({ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, { Action: 'kms:CreateGrant' }) },
  { code: 'network-deny-without-service-exception', text: policyWith({ Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, Bool: { 'aws:ViaAWSService': 'false' } } }) },
  { code: 'cross-account-action', text: stmt({ Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: ['kms:Decrypt', 'kms:DescribeKey'] }), options: OPTIONS },
  { code: 'action-not-for-key', text: fixture('aws-clean/console-default-symmetric.json'), options: { key: { spec: 'SYMMETRIC_DEFAULT', usage: 'ENCRYPT_DECRYPT', origin: 'AWS_KMS', multiRegion: false } } },
  { code: 'action-not-for-key', text: fixture('aws-clean/console-default-signing.json'), options: { key: { spec: 'ECC_NIST_P256', usage: 'SIGN_VERIFY', origin: 'EXTERNAL', multiRegion: true } } },
  { code: 'encryption-context-not-for-key', text: cond({ StringEquals: { 'kms:EncryptionContext:tenant': 'a' } }), options: { key: { spec: 'SYMMETRIC_DEFAULT' } } },
  { code: 'account-wide-admin', text: stmt({ Principal: { AWS: '*' }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Condition: { StringEquals: { 'kms:CallerAccount': ACCT } } }) },
  { code: 'account-wide-admin', text: stmt({ Principal: { AWS: '*' }, Action: 'kms:*', Condition: { StringEquals: { 'kms:CallerAccount': ACCT }, ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/admins/*` } } }) },
  { code: 'allow-shadowed-by-deny', text: policyWith({ Sid: 'S', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' }, [{ Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]) },
  { code: 'duplicate-statement', text: fixture('aws-clean/cloudtrail.json') },
  { code: 'mfa-condition-gap', text: policyWith({ Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }) },
];

function render(text: string, f: Finding): string {
  return `${f.code}@${JSON.stringify(text.slice(f.offset, f.offset + f.length))}`;
}

for (const c of fires) {
  test(`${c.code} fires at ${c.at.slice(0, 40)}`, () => {
    const findings = lintPolicyText(c.text, c.options);
    const hit = findings.find((f) => f.code === c.code && c.text.slice(f.offset, f.offset + f.length) === c.at);
    assert.ok(hit, `expected ${c.code} at ${JSON.stringify(c.at)}; got ${findings.map((f) => render(c.text, f)).join(', ')}`);
    assert.equal(hit.severity, c.severity);
    assert.ok(hit.message.length > 20);
    if (c.fixes !== undefined) {
      assert.equal(Boolean(hit.fix), c.fixes, 'fix offered');
      if (c.fixes) {
        const fixed = applyFix(c.text, hit);
        const after = lintPolicyText(fixed, c.options).filter((f) => f.code === c.code || f.code === 'json-syntax' || f.code === 'duplicate-key');
        assert.deepEqual(after.map((f) => render(fixed, f)), [], `fix of ${c.code} leaves:\n${fixed}`);
      }
    }
  });
}

for (const q of quiet) {
  test(`${q.code} stays quiet on a correct near miss`, () => {
    const findings = lintPolicyText(q.text, q.options).filter((f) => f.code === q.code);
    assert.deepEqual(findings.map((f) => render(q.text, f)), []);
  });
}

test('policy-too-large: over 32 KB is an error, over 90 % a note', () => {
  const big = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: [JSON.parse(stmt({})).Statement[0], ...Array.from({ length: n }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:role/role-${i}` }, Action: 'kms:Decrypt', Resource: '*' }))] });
  const over = big(260);
  assert.ok(Buffer.byteLength(over) > 32768);
  const f = lintPolicyText(over).filter((x) => x.code === 'policy-too-large');
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, new RegExp(`${Buffer.byteLength(over)} bytes`));
  const near = big(230);
  assert.ok(Buffer.byteLength(near) > 29491 && Buffer.byteLength(near) <= 32768, String(Buffer.byteLength(near)));
  assert.deepEqual(lintPolicyText(near).map((x) => x.code), ['policy-near-limit']);
});

test('while the text has syntax errors, local checks still run but lockout waits', () => {
  const text = '{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:Decrypt", "Resource": "*"},]}';
  const codes = lintPolicyText(text).map((f) => f.code);
  assert.ok(codes.includes('json-syntax'));
  assert.ok(codes.includes('invalid-effect'));
  assert.ok(!codes.includes('lockout-risk'));
});

test('disabled codes are left out', () => {
  assert.deepEqual(lintPolicyText(stmt({ Principal: '*' }), { disabled: ['wildcard-principal'] }), []);
});

test('findings are sorted by position and offsets are UTF-16 offsets', () => {
  const text = stmt({ Sid: 'Ünïcödé 😀', Action: 'kms:Decrypted' });
  const findings = lintPolicyText(text);
  assert.deepEqual(findings.map((f) => f.offset), [...findings.map((f) => f.offset)].sort((a, b) => a - b));
  const unknown = findings.find((f) => f.code === 'unknown-action')!;
  assert.equal(text.slice(unknown.offset, unknown.offset + unknown.length), '"kms:Decrypted"');
});

const TEMPLATE_YAML = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      BypassPolicyLockoutSafetyCheck: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Sid: Use
            Effect: allow
            Principal:
              AWS: arn:aws:iam::111122223333:role/App
            Action: kms:Decrypted
            Resource: '*'
            Condition:
              StringEquals:
                kms:CallerAccount: !Ref AWS::AccountId
  Bucket:
    Type: AWS::S3::Bucket
`;

test('CloudFormation YAML: findings point into the template; intrinsics are left alone', () => {
  const findings = lintDocument(TEMPLATE_YAML, 'yaml', OPTIONS);
  const got = findings.map((f) => `${f.code}@${TEMPLATE_YAML.slice(f.offset, f.offset + f.length)}`);
  assert.deepEqual(got, [
    'bypass-lockout-check@true',
    'lockout-risk@Statement',
    'invalid-effect@allow',
    'unknown-action@kms:Decrypted',
  ]);
  assert.equal(findings.find((f) => f.code === 'lockout-risk')!.severity, 'warning');
  assert.equal(findings.find((f) => f.code === 'bypass-lockout-check')!.severity, 'warning');
  // With an account statement the policy passes anyway: the flag is only noted.
  const safe = TEMPLATE_YAML.replace('        Statement:\n', "        Statement:\n          - Effect: Allow\n            Principal:\n              AWS: '111122223333'\n            Action: kms:*\n            Resource: '*'\n");
  assert.deepEqual(lintDocument(safe, 'yaml', OPTIONS).filter((f) => f.code.includes('lockout')).map((f) => `${f.code}:${f.severity}`), ['bypass-lockout-check:info']);
});

test('CloudFormation JSON: positions in the template; Fn::Sub principals are not judged', () => {
  const template = JSON.stringify({
    Resources: {
      Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['Key', 'Arn'] } },
        { Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Encrypt', Resource: 'arn:aws:kms:us-east-1:111122223333:key/x' },
      ] } } },
    },
  }, null, 2);
  const got = lintDocument(template, 'json').map((f) => `${f.code}@${template.slice(f.offset, f.offset + f.length)}`);
  assert.deepEqual(got, ['resource-not-star@"arn:aws:kms:us-east-1:111122223333:key/x"']);
});

test('YAML and JSON syntax errors are reported with their own codes', () => {
  assert.deepEqual(lintDocument('Resources:\n  Key: [unclosed\n', 'yaml').map((f) => f.code), ['yaml-syntax']);
  assert.deepEqual(lintDocument('{"Resources": {', 'json').map((f) => f.code).slice(0, 1), ['json-syntax']);
});

test('a bare YAML key policy is linted; other YAML is not', () => {
  const yamlPolicy = 'Version: "2012-10-17"\nStatement:\n  - Effect: Allow\n    Principal: "*"\n    Action: kms:Decrypt\n    Resource: "*"\n';
  assert.ok(lintDocument(yamlPolicy, 'yaml').some((f) => f.code === 'wildcard-principal'));
  assert.deepEqual(lintDocument('name: app\nversion: 2\n', 'yaml'), []);
});

test('CloudFormation key properties feed the key-type checks (with CloudFormation\'s defaults)', () => {
  const template = `Resources:
  Mac:
    Type: AWS::KMS::Key
    Properties:
      KeySpec: HMAC_256
      KeyUsage: GENERATE_VERIFY_MAC
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: '111122223333'
            Action: kms:*
            Resource: '*'
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::111122223333:role/App
            Action: [kms:GenerateMac, kms:Decrypt, kms:ReplicateKey]
            Resource: '*'
`;
  const got = lintDocument(template, 'yaml').map((f) => `${f.code}@${template.slice(f.offset, f.offset + f.length)}`);
  assert.deepEqual(got, ['action-not-for-key@kms:Decrypt', 'action-not-for-key@kms:ReplicateKey']);
});

test('the NotPrincipal rewrite keeps who is exempted, including the sessions of an exempted role', async () => {
  const { evaluate } = await import('../../../src-core/policy/evaluate');
  const role = `arn:aws:iam::${ACCT}:role/BreakGlass`;
  const text = policyWith({ Sid: 'Only break-glass decrypts', Effect: 'Deny', NotPrincipal: { AWS: role }, Action: 'kms:Decrypt', Resource: '*' });
  const finding = lintPolicyText(text).find((f) => f.code === 'not-principal-deny')!;
  const fixed = applyFix(text, finding);
  const decide = (policy: string, principal: string) => evaluate(policy, [], { principal, accountId: ACCT, action: 'kms:Decrypt', keyArn: `arn:aws:kms:us-east-1:${ACCT}:key/k` }).allowed;
  const session = `arn:aws:sts::${ACCT}:assumed-role/BreakGlass/me`;
  assert.equal(decide(fixed, session), true);
  assert.equal(decide(fixed, ALICE), false);
  // The original denies the session too: the pitfall the rewrite removes.
  assert.equal(decide(text, session), false);
});

test('bypass-lockout-check stays quiet when the template does not set it (or sets it false)', () => {
  for (const value of ['', '      BypassPolicyLockoutSafetyCheck: false\n']) {
    const template = TEMPLATE_YAML.replace('      BypassPolicyLockoutSafetyCheck: true\n', value);
    const codes = lintDocument(template, 'yaml', OPTIONS).map((f) => f.code);
    assert.ok(!codes.includes('bypass-lockout-check'));
    assert.ok(codes.includes('lockout-risk'));
    assert.equal(lintDocument(template, 'yaml', OPTIONS).find((f) => f.code === 'lockout-risk')!.severity, 'error');
  }
});

test('every code of the catalogue has a firing case and a quiet case', () => {
  // These are shown firing and quiet by the dedicated tests above (size, YAML, bypass) and in terraform.test.ts (HCL, policy files).
  const dedicated = ['policy-too-large', 'policy-near-limit', 'yaml-syntax', 'bypass-lockout-check', 'hcl-syntax', 'policy-file-missing'];
  const fired = new Set([...fires.map((c) => c.code), ...dedicated]);
  const quieted = new Set([...quiet.map((c) => c.code), ...dedicated]);
  assert.deepEqual(Object.keys(CHECKS).filter((code) => !fired.has(code)), []);
  assert.deepEqual(Object.keys(CHECKS).filter((code) => !quieted.has(code)), []);
});

test('lockout: a principal of any of the workspace accounts counts', () => {
  const text = only({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'kms:*', Resource: '*' });
  assert.deepEqual(lintPolicyText(text, { accountIds: ['444455556666', ACCT] }), []);
});

test('isKeyPolicyDocument: JSON whose statements name kms: actions', () => {
  assert.equal(isKeyPolicyDocument(fixture('aws-clean/default-key-policy.json')), true);
  assert.equal(isKeyPolicyDocument(only({ Effect: 'Allow', NotAction: 'KMS:Decrypt' })), true);
  assert.equal(isKeyPolicyDocument(JSON.stringify({ Statement: [{ Action: 's3:GetObject', Resource: 'kms:thing' }] })), false);
  assert.equal(isKeyPolicyDocument('{"name": "kms:Decrypt"}'), false);
  assert.equal(isKeyPolicyDocument('{"Statement": [{"Action": "kms:Decrypt"'), true);
  assert.equal(isKeyPolicyDocument(''), false);
});
