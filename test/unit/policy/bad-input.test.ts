/**
 * Hostile input for the checker (issue 9): nesting that used to overflow the stack, policies far over the
 * quota, and thousands of statements. Each must end in findings, never an exception.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintDocument, lintPolicyText } from '../../../src-core/policy/lint';

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

test('JSON nested 2,500 deep is one clear syntax finding, not a stack overflow', () => {
  const findings = lintPolicyText(deep(2500));
  assert.deepEqual(findings.map((f) => f.code), ['json-syntax']);
  assert.match(findings[0].message, /Nested more than 128 levels deep/);
  const inside = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "X": ${deep(3000)}}]}`;
  assert.deepEqual(lintPolicyText(inside).map((f) => f.code), ['json-syntax']);
  const template = `{"Resources": {"K": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": ${deep(5000)}}}}}`;
  assert.deepEqual(lintDocument(template, 'json').map((f) => f.code), ['json-syntax']);
});

test('brackets inside strings do not count as nesting', () => {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: '['.repeat(500), Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' }] });
  assert.deepEqual(lintPolicyText(policy), []);
});

test('a policy far over the 32 KB quota gets policy-too-large alone', () => {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'x'.repeat(1_000_000) }, Action: `kms:${'y'.repeat(1_000_000)}`, Resource: '*' }] });
  const findings = lintPolicyText(policy);
  assert.deepEqual(findings.map((f) => f.code), ['policy-too-large']);
  assert.match(findings[0].message, /2000\d{3} bytes; KMS accepts at most 32768/);
});

test('hundreds of statements (up to the quota): duplicates and covered statements are still found', () => {
  const statement = (i: number, actions: string[]) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: actions, Resource: '*' });
  const statements = [
    { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
    ...Array.from({ length: 300 }, (_, i) => statement(i, i % 2 ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:Encrypt'])),
  ];
  const findings = lintPolicyText(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  // Each is covered by another (the Decrypt ones by every Decrypt + Encrypt one); Sids differ, so none is a duplicate.
  assert.equal(findings.filter((f) => f.code === 'redundant-statement').length, 300);
  assert.equal(findings.filter((f) => f.code === 'duplicate-statement').length, 0);
  const same = Array.from({ length: 300 }, () => ({ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' }));
  const repeated = lintPolicyText(JSON.stringify({ Version: '2012-10-17', Statement: same }));
  assert.equal(repeated.filter((f) => f.code === 'duplicate-statement').length, 299);
  assert.equal(repeated.filter((f) => f.code === 'redundant-statement').length, 0, 'an identical statement is a duplicate, not a covering one');
});

test('"*" with every action and no condition is an error; with a narrowing condition a warning at most', () => {
  const open = { Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' };
  const root = { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' };
  const find = (st: object) => lintPolicyText(JSON.stringify({ Version: '2012-10-17', Statement: [root, st] })).find((f) => f.code === 'wildcard-principal');
  assert.equal(find(open)?.severity, 'error');
  assert.equal(find({ ...open, Action: 'kms:Decrypt' })?.severity, 'warning');
});
