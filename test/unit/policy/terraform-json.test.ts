/** Terraform JSON syntax (.tf.json) and key-policy templates (.json.tpl), checked in place through kmsw lint's records. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintPolicyText, type Finding } from '../../../src-core/policy/lint';
import { lintTerraformJson } from '../../../src-core/terraform/json';
import { lintPolicyTemplate } from '../../../src-core/terraform/lint';
import { lintRecords } from '../../../src-node/cli/commands/lint';
import { fixture } from './helpers';

const at = (text: string, findings: Finding[]) => findings.map((f) => `${f.code}@${text.slice(f.offset, f.offset + f.length)}`);

test('.tf.json: a policy string (escaped JSON with interpolations) and a policy object, findings at their place in the file', () => {
  const text = fixture('terraform/main.tf.json');
  const findings = lintTerraformJson(text);
  assert.deepEqual(at(text, findings), ['unknown-action@\\"kms:Encrypted\\"', 'resource-not-star@"arn:aws:kms:*:*:key/*"']);
  // A fix's text would need the string's escaping: none is offered inside the string; the object keeps its fix.
  assert.equal(findings[0].fix, undefined);
  assert.deepEqual(lintRecords('main.tf.json', text).map((r) => `${r.code}@${r.line}:${r.column}`), ['unknown-action@6:377', 'resource-not-star@17:138']);
});

test('.tf.json: a broken policy string gets the findings the same JSON gets, its syntax errors inside the string', () => {
  const policy = '{"Version": "2012-10-17", "Statement": [}';
  const text = `{"resource": {"aws_kms_key": {"k": {"policy": ${JSON.stringify(policy)}}}}}`;
  const findings = lintTerraformJson(text);
  assert.deepEqual(findings.map((f) => f.code), lintPolicyText(policy).map((f) => f.code));
  for (const f of findings.filter((x) => x.code === 'json-syntax')) assert.ok(f.offset > text.indexOf('"policy"') + 9 && f.offset < text.length - 4);
});

test('.tf.json: other resources and identity policies are left alone', () => {
  const text = '{"resource": {"aws_iam_policy": {"p": {"policy": "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"kms:Nope\\", \\"Resource\\": \\"*\\"}]}"}}}}';
  assert.deepEqual(lintTerraformJson(text), []);
});

test('.json.tpl: ${…} values and %{…} directives are unknowns, never broken JSON; real mistakes are found', () => {
  const text = fixture('terraform/policy.json.tpl');
  assert.deepEqual(at(text, lintPolicyTemplate(text)), ['unknown-action@"kms:GenerateDataKeys"', 'unknown-condition-operator@"StringEqual"']);
  assert.deepEqual(lintRecords('policy.json.tpl', text).map((r) => r.code), ['unknown-action', 'unknown-condition-operator']);
});

test('.json.tpl: an interpolated account ID is not malformed, a literal bad one is', () => {
  const policy = (arn: string) => `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${arn}"}, "Action": "kms:*", "Resource": "*"}]}`;
  assert.deepEqual(lintPolicyTemplate(policy('arn:aws:iam::${account_id}:root')).filter((f) => f.severity === 'error'), []);
  assert.ok(lintPolicyTemplate(policy('arn:aws:iam::12345:root')).some((f) => f.severity === 'error'));
});
