import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mayContainIdentifiers, scanIdentifiers } from '../../../src-core/ids/scan';

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const MRK = 'mrk-1234abcd12ab34cd56ef1234567890ab';

function summary(text: string): string[] {
  return scanIdentifiers(text).map((m) => `${m.kind}@${m.offset}+${m.length === text.length ? 'all' : m.length}${m.pattern ? ' pattern' : ''}${m.problem ? ` ${m.problem.code}` : ''}`);
}

describe('scanIdentifiers', () => {
  it('finds each form once, with exact offsets, and parses it', () => {
    const arn = `arn:aws:kms:us-east-1:111122223333:key/${KEY}`;
    const text = `a ${arn} b alias/app-data c ${MRK} d ${KEY}`;
    const found = scanIdentifiers(text);
    assert.deepEqual(found.map((m) => [m.kind, m.text, m.offset]), [
      ['keyArn', arn, 2],
      ['aliasName', 'alias/app-data', text.indexOf('alias/')],
      ['mrkId', MRK, text.indexOf(MRK)],
      ['keyId', KEY, text.lastIndexOf(KEY)],
    ]);
    assert.deepEqual(found[0].parsed, { kind: 'keyArn', keyId: KEY, partition: 'aws', region: 'us-east-1', accountId: '111122223333' });
    assert.ok(found.every((m) => !m.problem && !m.pattern));
  });

  it('parses alias ARNs and multi-Region key ARNs', () => {
    const found = scanIdentifiers(`"arn:aws:kms:eu-west-1:111122223333:alias/team/app" "arn:aws:kms:eu-west-1:111122223333:key/${MRK}"`);
    assert.deepEqual(found.map((m) => m.parsed?.kind), ['aliasArn', 'keyArn']);
    assert.equal(found[0].parsed?.kind === 'aliasArn' && found[0].parsed.aliasName, 'alias/team/app');
  });

  it('reports malformed shapes instead of skipping them', () => {
    assert.deepEqual(summary(`arn:aws:kms:us-east-1:1111:key/${KEY}`), ['keyArn@0+all malformed-key-arn']);
    assert.deepEqual(summary('arn:aws:kms:us-east-1:111122223333:key/NOT-A-KEY'), ['keyArn@0+all malformed-key-arn']);
    assert.deepEqual(summary('arn:aws:kms:us-east-1:111122223333:alias/bad.name'), ['aliasArn@0+all malformed-alias-arn']);
    assert.deepEqual(summary('x alias/bad.name y'), ['aliasName@2+14 malformed-alias-name']);
    assert.deepEqual(summary('mrk-12'), ['mrkId@0+all malformed-key-id']);
    assert.deepEqual(summary(`${MRK}z`), ['mrkId@0+all malformed-key-id']);
  });

  it('flags a Region in the wrong partition and a Region that does not exist', () => {
    const [cn] = scanIdentifiers(`arn:aws:kms:cn-north-1:111122223333:key/${KEY}`);
    assert.equal(cn.problem?.code, 'wrong-partition');
    assert.match(cn.problem!.message, /"aws-cn"/);
    assert.deepEqual(summary(`arn:aws-cn:kms:cn-north-1:111122223333:key/${KEY}`), ['keyArn@0+all']);
    assert.deepEqual(summary(`arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/${KEY}`), ['keyArn@0+all']);
    assert.equal(scanIdentifiers(`arn:aws:kms:useast:111122223333:key/${KEY}`)[0].problem?.code, 'unknown-region');
  });

  it('treats wildcards and policy variables as patterns, not identifiers', () => {
    assert.deepEqual(summary('arn:aws:kms:*:111122223333:key/*'), ['keyArn@0+all pattern']);
    assert.deepEqual(summary('"alias/${aws:username}"'), ['aliasName@1+21 pattern']);
    assert.deepEqual(summary('"alias/app-*"'), ['aliasName@1+11 pattern']);
  });

  it('ignores look-alikes: paths containing alias/, uppercase UUIDs, ids glued to other words', () => {
    assert.deepEqual(summary('src/alias/foo.ts'), []);
    assert.deepEqual(summary(KEY.toUpperCase()), []);
    assert.deepEqual(summary(`x${KEY}`), []);
  });

  it('drops sentence punctuation after an alias or ARN', () => {
    assert.deepEqual(scanIdentifiers('Use alias/app.').map((m) => m.text), ['alias/app']);
  });

  it('stops at maxMatches', () => {
    const text = Array.from({ length: 50 }, () => KEY).join(' ');
    assert.equal(scanIdentifiers(text, { maxMatches: 10 }).length, 10);
  });

  it('mayContainIdentifiers rules out text without any candidate cheaply', () => {
    assert.equal(mayContainIdentifiers('{"name": "x", "version": "1.0.0"}'), false);
    assert.equal(mayContainIdentifiers(`"${KEY}"`), true);
    assert.equal(mayContainIdentifiers('alias/x'), true);
  });
});
