/**
 * A corpus of real-world key-policy shapes (from issue threads, docs and scanners' fixtures, rewritten)
 * with the errors and warnings each must produce: exactly these, nothing more (notes are not counted).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPolicyText } from '../../../src-core/policy/lint';
import { FIXTURES, fixture } from './helpers';

const EXPECTED: Record<string, string[]> = {
  // The AWS-managed key shape: only AWS can change its policy, which is the point of it (lockout-risk is info there).
  'aws-managed-ebs.json': [],
  // terraform-aws-eks#1950 shape: administrators without kms:Put*.
  'admins-without-put.json': ['lockout-risk'],
  // modernisation-platform PR #1046: a Resource that is not this key makes the only statement inert.
  'resource-arn-mismatch.json': ['lockout-risk', 'resource-not-star'],
  // checkov pass_4: kms:* to everyone in the account, no IAM policy needed.
  'account-wide-admin.json': ['account-wide-admin'],
  // SecureTransport does not restrict who calls.
  'public-decrypt.json': ['wildcard-principal'],
  // A Deny-only policy: nobody could ever change it (checkov passes it).
  'deny-only.json': ['lockout-risk'],
  // Invalid shapes seen in documentation examples.
  'doc-example-mistakes.json': ['action-not-applicable', 'condition-key-not-allowed', 'unneeded-qualifier'],
  // "Service" twice: JSON keeps only the last one.
  'duplicate-service.json': ['duplicate-key'],
  'not-principal-deny.json': ['not-principal-deny'],
  // ViaService alone does not restrict the account; with a service principal it is never present.
  'via-service-only.json': ['via-service-with-service-principal', 'wildcard-principal'],
  'key-users-with-grants.json': ['missing-qualifier', 'network-deny-without-service-exception', 'unconstrained-create-grant'],
};

test('every corpus file has its expectation', () => {
  assert.deepEqual(readdirSync(join(FIXTURES, 'corpus')).sort(), Object.keys(EXPECTED).sort());
});

for (const [file, codes] of Object.entries(EXPECTED)) {
  test(`corpus: ${file} → ${codes.join(', ')}`, () => {
    const findings = lintPolicyText(fixture(`corpus/${file}`), { accountIds: ['111122223333'] }).filter((f) => f.severity !== 'info');
    assert.deepEqual([...new Set(findings.map((f) => f.code))].sort(), codes);
  });
}
