/** Who gains and who loses which actions when a key policy changes (the confirmation before PutKeyPolicy). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessDiff, accessDiffLines, statementDiffLines } from '../../../src-core/policy/access-diff';

const ROOT = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
const SHARE = { Sid: 'Share', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' };
const policy = (...s: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: s });

test('a new account gains the actions of its statement; removing it loses them', () => {
  const gained = accessDiff(policy(ROOT), policy(ROOT, SHARE));
  assert.deepEqual(gained, [{ who: 'every principal of account 444455556666 (as its IAM policies allow)', change: 'gains', actions: ['Decrypt', 'DescribeKey'] }]);
  assert.deepEqual(accessDiffLines(gained), ['+ every principal of account 444455556666 (as its IAM policies allow) gains: Decrypt, DescribeKey']);
  assert.equal(accessDiff(policy(ROOT, SHARE), policy(ROOT))[0].change, 'loses');
  assert.deepEqual(statementDiffLines(policy(ROOT), policy(ROOT, SHARE)), ['+ statement "Share" added']);
});

test('a Deny takes actions away; conditions are part of who', () => {
  const deny = { Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' };
  assert.deepEqual(accessDiff(policy(ROOT), policy(ROOT, deny)), [{ who: 'everyone (any AWS account)', change: 'loses', actions: ['Decrypt'] }]);
  const conditional = { ...SHARE, Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } } };
  const account = 'every principal of account 444455556666 (as its IAM policies allow)';
  assert.deepEqual(accessDiff(policy(ROOT, SHARE), policy(ROOT, conditional)).map((c) => `${c.change} ${c.who}`), [
    `loses ${account}`,
    `gains ${account} when kms:ViaService StringEquals ec2.us-east-1.amazonaws.com`,
  ]);
  assert.deepEqual(accessDiffLines(accessDiff(policy(ROOT), policy(ROOT))), ['No change in who can do what.']);
});
