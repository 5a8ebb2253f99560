import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterEvents, keyIdOfArn, keyReferences, type AuditFilter } from '../../../src-core/audit/query';
import { ACCOUNT, arnOf, auditEvent, KEY_A, KEY_B } from './events';

const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;
const at = (day: number, hour = 0) => Date.UTC(2026, 0, day, hour);

const events = [
  auditEvent({ operation: 'CreateKey', readOnly: false, time: at(1), resources: [arnOf(KEY_A)], requestId: 'create-a' }),
  auditEvent({ operation: 'Encrypt', time: at(2), input: { KeyId: 'alias/app' }, resources: [arnOf(KEY_A)], requestId: 'encrypt-a' }),
  auditEvent({ operation: 'Decrypt', time: at(3), resources: [arnOf(KEY_B)], caller: { accountId: ACCOUNT, region: 'us-east-1', principal: alice, accessKeyId: 'AKIAALICE' }, requestId: 'decrypt-b-alice' }),
  auditEvent({ operation: 'Decrypt', time: at(3, 12), input: { KeyId: KEY_B }, error: { name: 'AccessDeniedException', message: 'denied' }, caller: { accountId: ACCOUNT, region: 'us-east-1', principal: alice }, requestId: 'denied-b-alice' }),
  auditEvent({ operation: 'DescribeKey', time: at(4), input: { KeyId: 'nope' }, error: { name: 'NotFoundException', message: 'missing' }, requestId: 'missing' }),
  auditEvent({ operation: 'ScheduleKeyDeletion', readOnly: false, time: at(5), resources: [arnOf(KEY_B, 'eu-west-1')], caller: { accountId: ACCOUNT, region: 'eu-west-1', principal: `arn:aws:iam::${ACCOUNT}:root` }, requestId: 'delete-b-eu' }),
];

describe('audit filters', () => {
  const cases: [string, AuditFilter, string[]][] = [
    ['no filter', {}, ['create-a', 'encrypt-a', 'decrypt-b-alice', 'denied-b-alice', 'missing', 'delete-b-eu']],
    ['since (inclusive)', { since: at(3) }, ['decrypt-b-alice', 'denied-b-alice', 'missing', 'delete-b-eu']],
    ['until (exclusive)', { until: at(3) }, ['create-a', 'encrypt-a']],
    ['a time range', { since: at(2), until: at(4) }, ['encrypt-a', 'decrypt-b-alice', 'denied-b-alice']],
    ['key by ID', { key: KEY_A }, ['create-a', 'encrypt-a']],
    ['key by ARN', { key: arnOf(KEY_B) }, ['decrypt-b-alice']],
    ['key by ID, including failed calls that only named it', { key: KEY_B }, ['decrypt-b-alice', 'denied-b-alice', 'delete-b-eu']],
    ['key by the alias the call named', { key: 'alias/app' }, ['encrypt-a']],
    ['operation', { operations: ['Decrypt'] }, ['decrypt-b-alice', 'denied-b-alice']],
    ['several operations', { operations: ['CreateKey', 'ScheduleKeyDeletion'] }, ['create-a', 'delete-b-eu']],
    ['principal ARN', { principal: alice }, ['decrypt-b-alice', 'denied-b-alice']],
    ['access key ID', { principal: 'AKIAALICE' }, ['decrypt-b-alice']],
    ['errors only', { errorsOnly: true }, ['denied-b-alice', 'missing']],
    ['error code', { errorCode: 'NotFoundException' }, ['missing']],
    ['read-only calls', { readOnly: true }, ['encrypt-a', 'decrypt-b-alice', 'denied-b-alice', 'missing']],
    ['changing calls', { readOnly: false }, ['create-a', 'delete-b-eu']],
    ['Region', { awsRegion: 'eu-west-1' }, ['delete-b-eu']],
    ['several fields at once', { key: KEY_B, principal: alice, errorsOnly: true, since: at(3) }, ['denied-b-alice']],
    ['fields that exclude each other', { key: KEY_A, principal: alice }, []],
  ];
  for (const [label, filter, expected] of cases) {
    it(label, () => {
      assert.deepEqual(
        filterEvents(events, filter).map((e) => e.requestID),
        expected,
      );
    });
  }

  it('finds the key a CreateKey made in its response when the event names no resource', () => {
    const created = auditEvent({ operation: 'CreateKey', readOnly: false, output: { KeyMetadata: { KeyId: KEY_B, Arn: arnOf(KEY_B), AWSAccountId: ACCOUNT } } });
    assert.deepEqual(keyReferences(created), [KEY_B, arnOf(KEY_B)]);
    assert.equal(filterEvents([created], { key: arnOf(KEY_B) }).length, 1);
  });

  it('reads the key ID out of a key ARN only', () => {
    assert.equal(keyIdOfArn(arnOf(KEY_B, 'eu-west-1')), KEY_B);
    assert.equal(keyIdOfArn(`arn:aws:kms:us-east-1:${ACCOUNT}:alias/app`), undefined);
    assert.equal(keyIdOfArn(KEY_A), undefined);
  });
});
