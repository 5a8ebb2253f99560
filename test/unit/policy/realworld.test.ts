/**
 * The real-world corpus (../shared/policies-realworld: AWS documentation, AWS-owned templates, public
 * repositories; read in place, never copied): every file is linted as `kmsw lint` would, nothing may throw,
 * and no code its entry in expected.json lists under must_not_flag_codes may be raised.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintRecords } from '../../../src-node/cli/commands/lint';

const CORPUS = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'policies-realworld');
const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Record<string, { must_not_flag_codes: string[]; notes: string }>;

test('the corpus is there and every file has an entry', () => {
  assert.ok(existsSync(CORPUS));
  const files = readdirSync(CORPUS).filter((f) => f !== 'expected.json' && f !== 'SOURCES.md');
  assert.deepEqual(files.sort(), Object.keys(expected).sort());
});

for (const [file, entry] of Object.entries(expected)) {
  test(`real-world: ${file}`, () => {
    const records = lintRecords(file, readFileSync(join(CORPUS, file), 'utf8'));
    const raised = records.filter((r) => entry.must_not_flag_codes.includes(r.code)).map((r) => `${r.code}@${r.line}: ${r.message}`);
    assert.deepEqual(raised, []);
  });
}

/** The true findings and misses the corpus notes name, pinned on the corpus files themselves. */
const pinned: [string, string, string | undefined][] = [
  // One finding per syntax error, and nothing made up by error recovery.
  ['aws-secretsmanager-docs-aws-managed-key.json', 'json-syntax', 'error'],
  ['aws-kms-docs-sdk-php-put-key-policy.json', 'invalid-principal', 'warning'],
  ['aws-kms-docs-stmt-encryptioncontext-aws-username.json', 'invalid-variable', 'warning'],
  ['aws-kms-docs-aws-managed-workmail.json', 'lockout-risk', 'info'],
  ['aws-config-docs-s3-delivery-iam-role.json', 'missing-version', 'info'],
  ['aws-cloudtrail-docs-default-policy-lake-eds.json', 'duplicate-key', 'error'],
];
for (const [file, code, severity] of pinned) {
  test(`real-world: ${file} reports ${code} as ${severity}`, () => {
    const records = lintRecords(file, readFileSync(join(CORPUS, file), 'utf8')).filter((r) => r.code === code);
    assert.ok(records.length > 0);
    assert.ok(records.every((r) => r.severity === severity), JSON.stringify(records));
  });
}

test('real-world: after a syntax error only syntax findings remain from there on, one per place', () => {
  const records = lintRecords('x.json', readFileSync(join(CORPUS, 'aws-secretsmanager-docs-aws-managed-key.json'), 'utf8'));
  assert.deepEqual([...new Set(records.map((r) => r.code))], ['json-syntax']);
  const places = records.map((r) => `${r.line}:${r.column}`);
  assert.equal(new Set(places).size, places.length);
});

test('real-world: CreateGrant with a condition that does not bound it is not said to have none', () => {
  const [record] = lintRecords('x.json', readFileSync(join(CORPUS, 'aws-kms-docs-stmt-grantconstrainttype.json'), 'utf8')).filter((r) => r.code === 'unconstrained-create-grant');
  assert.match(record.message, /with conditions that do not limit/);
});
