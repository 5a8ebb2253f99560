/** The lockout safety check the engine runs on CreateKey/PutKeyPolicy/ReplicateKey. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Caller } from '../../../src-core/kms/operation-context';
import { lockoutRisk } from '../../../src-core/policy/lockout';
import { fixture } from './helpers';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const caller = (principal: string, accountId = '111122223333'): Caller => ({ accountId, region: 'us-east-1', principal });
const alice = 'arn:aws:iam::111122223333:user/alice';
const bob = 'arn:aws:iam::111122223333:user/bob';

function onlyFor(principal: string, action = 'kms:*', condition?: unknown): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: '*', ...(condition ? { Condition: condition } : {}) }] });
}

test('the default policy never locks out a principal of the key account', () => {
  const text = fixture('aws-clean/default-key-policy.json');
  assert.equal(lockoutRisk(text, caller('arn:aws:iam::111122223333:root'), KEY), false);
  assert.equal(lockoutRisk(text, caller(alice), KEY), false);
  assert.equal(lockoutRisk(text, caller('arn:aws:sts::111122223333:assumed-role/Deployer/session-1'), KEY), false);
});

test('a caller of another account is locked out by the default policy of this account', () => {
  assert.equal(lockoutRisk(fixture('aws-clean/default-key-policy.json'), caller('arn:aws:iam::444455556666:user/eve', '444455556666'), KEY), true);
});

test('a policy naming only alice locks bob out but not alice', () => {
  assert.equal(lockoutRisk(onlyFor(alice), caller(alice), KEY), false);
  assert.equal(lockoutRisk(onlyFor(alice), caller(bob), KEY), true);
});

test('PutKeyPolicy must be among the allowed actions', () => {
  assert.equal(lockoutRisk(onlyFor(alice, 'kms:Put*'), caller(alice), KEY), false);
  assert.equal(lockoutRisk(onlyFor(alice, 'kms:Decrypt'), caller(alice), KEY), true);
});

test('an explicit deny of PutKeyPolicy locks out even the account root statement', () => {
  const policy = JSON.parse(fixture('aws-clean/default-key-policy.json'));
  policy.Statement.push({ Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*' });
  assert.equal(lockoutRisk(JSON.stringify(policy), caller(alice), KEY), true);
});

test('conditions are evaluated for the caller: a source-IP condition the caller does not meet locks it out', () => {
  const policy = onlyFor(alice, 'kms:*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } });
  assert.equal(lockoutRisk(policy, { ...caller(alice), sourceIp: '10.1.2.3' }, KEY), false);
  assert.equal(lockoutRisk(policy, { ...caller(alice), sourceIp: '192.0.2.1' }, KEY), true);
});

test('text that is not a policy counts as a lockout', () => {
  assert.equal(lockoutRisk('{"Version": ', caller(alice), KEY), true);
});
