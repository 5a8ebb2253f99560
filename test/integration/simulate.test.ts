/** `kmsw simulate` as a script runs it: JSON and text output, exit 0 for allow/iam, 1 for deny, 2 for usage errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { kmsw } from './serve';

const ACCT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const dir = mkdtempSync(join(tmpdir(), 'kmsw-simulate-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const policyFile = join(dir, 'policy.json');
writeFileSync(policyFile, JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'kms:*', Resource: '*' },
    { Sid: 'DenyOutsideVpce', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } },
  ],
}, null, 2));
const grantsFile = join(dir, 'grants.json');
// The shape `aws kms list-grants` prints.
writeFileSync(grantsFile, JSON.stringify({ Grants: [{ KeyId: KEY, GrantId: 'abc123', Name: '', CreationDate: 1.7e9, GranteePrincipal: 'arn:aws:iam::444455556666:role/Reader', IssuingAccount: `arn:aws:iam::${ACCT}:root`, Operations: ['Decrypt', 'DescribeKey'], Constraints: { EncryptionContextSubset: { app: 'billing' } } }] }));
const base = ['simulate', '--policy', policyFile, '--grants', grantsFile, '--key-arn', KEY];

test('json: an explicit deny names its statement and line, exit 1', () => {
  const r = kmsw([...base, '--principal', `arn:aws:iam::${ACCT}:user/alice`, '--action', 'kms:Decrypt', '--condition', 'aws:SourceVpce=vpce-9', '--format', 'json']);
  assert.equal(r.status, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.decision, 'explicit-deny');
  assert.deepEqual(out.statements, [{ index: 1, sid: 'DenyOutsideVpce', line: 13 }]);
  assert.equal(out.grant, null);
  assert.equal(out.trace.length, 3);
});

test('text: iam through the account root, then a grant with its encryption context; exit 0', () => {
  const iam = kmsw([...base, '--principal', `arn:aws:iam::${ACCT}:user/alice`, '--action', 'kms:Decrypt', '--condition', 'aws:SourceVpce=vpce-1a2b3c4d']);
  assert.equal(iam.status, 0, iam.stderr);
  assert.match(iam.stdout, /^Allowed by the key policy only through the account \(statement "Root"\): the IAM policies of arn:aws:iam::111122223333:user\/alice decide\.\n/);
  assert.match(iam.stdout, /^- statement "Root" \(line 4\) Allow: applies, through the account: IAM policies decide$/m);
  const grant = kmsw([...base, '--principal', 'arn:aws:sts::444455556666:assumed-role/Reader/s1', '--action', 'kms:Decrypt', '--context', 'app=billing', '--condition', 'aws:SourceVpce=vpce-1a2b3c4d', '--format', 'json']);
  assert.equal(grant.status, 0, grant.stderr);
  assert.deepEqual(JSON.parse(grant.stdout).grant, 'abc123');
  const without = kmsw([...base, '--principal', 'arn:aws:sts::444455556666:assumed-role/Reader/s1', '--action', 'kms:Decrypt', '--condition', 'aws:SourceVpce=vpce-1a2b3c4d']);
  assert.equal(without.status, 1);
  assert.match(without.stdout, /^Denied: no statement of the key policy and no grant allows kms:Decrypt/);
  assert.match(without.stdout, /grant abc123: does not apply, because it requires the encryption context to include app=billing/);
});

test('usage errors exit 2 and say what is wrong', () => {
  const cases: [string[], RegExp][] = [
    [['simulate', '--policy', policyFile, '--key-arn', KEY, '--action', 'kms:Decrypt'], /--principal is required/],
    [[...base, '--principal', `arn:aws:iam::${ACCT}:user/a`, '--action', 'kms:Fly'], /--action takes a KMS action such as kms:Decrypt, not "kms:Fly"/],
    [[...base, '--principal', `arn:aws:iam::${ACCT}:user/a`, '--action', 'kms:Decrypt', '--context', 'novalue'], /--context takes key=value/],
    [['simulate', '--policy', join(dir, 'missing.json'), '--key-arn', KEY, '--principal', `arn:aws:iam::${ACCT}:user/a`, '--action', 'kms:Decrypt'], /cannot read .*missing\.json: ENOENT/],
  ];
  for (const [args, message] of cases) {
    const r = kmsw(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
});
