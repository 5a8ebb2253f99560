/** Policies AWS itself writes must lint clean: not one finding of any severity. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintDocument, lintPolicyText } from '../../../src-core/policy/lint';
import { FIXTURES, fixture } from './helpers';

const files = readdirSync(join(FIXTURES, 'aws-clean')).sort();

test('the AWS-written corpus is all there', () => {
  assert.ok(files.length >= 12, `only ${files.length} fixtures`);
});

for (const file of files) {
  test(`AWS-written policy lints clean: ${file}`, () => {
    const text = fixture(`aws-clean/${file}`);
    // The key's own account (first account-root principal), so the cross-account checks run too.
    const account = /arn:aws:iam::(\d{12}):root/.exec(text)?.[1] ?? '111122223333';
    const findings = file.endsWith('.yaml') ? lintDocument(text, 'yaml', { accountIds: [account] })
      : file.endsWith('-template.json') ? lintDocument(text, 'json', { accountIds: [account] })
        : lintPolicyText(text, { accountIds: [account] });
    assert.deepEqual(findings.map((f) => `${f.code}: ${f.message}`), []);
  });
}

test('the default key policy also lints clean inside a JSON template', () => {
  const policy = JSON.parse(fixture('aws-clean/default-key-policy.json'));
  const template = JSON.stringify({ Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: policy } } } }, null, 2);
  assert.deepEqual(lintDocument(template, 'json'), []);
});
