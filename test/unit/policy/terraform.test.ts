/** Key policies in Terraform: jsonencode, heredocs and aws_iam_policy_document, checked at their HCL ranges. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Finding } from '../../../src-core/policy/lint';
import { lintTerraform, lintTerraformModule } from '../../../src-core/terraform/lint';
import type { HclParse } from '../../../src-core/terraform/syntax';
import { loadHclParser } from '../../../src-node/terraform/hcl-parser';
import { fixture } from './helpers';

let parse: HclParse;
before(async () => {
  parse = await loadHclParser();
});

const at = (text: string, findings: Finding[]) => findings.map((f) => `${f.code}@${text.slice(f.offset, f.offset + f.length)}`);

function applyFix(text: string, f: Finding): string {
  let out = text;
  for (const e of [...f.fix!.edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

test('a module with jsonencode, a heredoc and a policy document: every finding at its HCL range', () => {
  const text = fixture('terraform/main.tf');
  assert.deepEqual(at(text, lintTerraform(text, parse)), [
    'unknown-action@"kms:Encrypted"',
    'resource-not-star@"arn:aws:kms:*:*:key/*"',
    'wildcard-principal@"*"',
    'unknown-condition-operator@"StringEqual"',
  ]);
});

test('quick fixes are HCL edits that remove their finding', () => {
  const text = fixture('terraform/main.tf');
  for (const f of lintTerraform(text, parse).filter((x) => x.fix)) {
    const fixed = applyFix(text, f);
    const after = lintTerraform(fixed, parse);
    assert.ok(!after.some((g) => g.code === 'hcl-syntax'), `${f.code}: the fix keeps valid HCL`);
    assert.equal(after.filter((g) => g.code === f.code).length, lintTerraform(text, parse).filter((g) => g.code === f.code).length - 1, f.code);
  }
});

const key = (policy: string, extra = '') => `resource "aws_kms_key" "k" {\n${extra}  policy = ${policy}\n}\n`;

test('an unknown principal may be the caller: no lockout-risk; a policy without kms:PutKeyPolicy still gets it', () => {
  const admins = key('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = var.admin_arns }, Action = "kms:*", Resource = "*" }] })');
  assert.deepEqual(lintTerraform(admins, parse), []);
  const users = key('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.app.arn }, Action = "kms:Decrypt", Resource = "*" }] })');
  assert.deepEqual(lintTerraform(users, parse).map((f) => f.code), ['lockout-risk']);
});

test('interpolated values are never reported as malformed', () => {
  const text = key(`jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Principal = { AWS = ["arn:aws:iam::\${var.account}:root", "\${local.admin}"] }
      Action = "kms:*"
      Resource = "*"
      Condition = { StringEquals = { "kms:CallerAccount" = var.account, "aws:PrincipalOrgID" = "\${var.org}" } }
    }]
  })`);
  assert.deepEqual(lintTerraform(text, parse), []);
});

test('a heredoc with an interpolation outside a JSON string is read, the value unknown', () => {
  const text = key(`<<EOF
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": \${jsonencode(var.admins)}}, "Action": "kms:*", "Resource": "*"}]
}
EOF`);
  assert.deepEqual(lintTerraform(text, parse), []);
});

test('policy documents: source and override documents are merged; an identity policy is left alone', () => {
  const text = `data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Root"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
  statement {
    sid       = "Use"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/Old"]
    }
  }
}

data "aws_iam_policy_document" "patch" {
  statement {
    sid       = "Use"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["arn:aws:kms:us-east-1:111122223333:key/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/App"]
    }
  }
}

data "aws_iam_policy_document" "key" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.patch.json]
}

data "aws_iam_policy_document" "identity" {
  statement {
    actions   = ["kms:Decrypt"]
    resources = ["arn:aws:kms:us-east-1:111122223333:key/abc"]
  }
}

resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.key.json
}
`;
  assert.deepEqual(at(text, lintTerraform(text, parse)), ['resource-not-star@"arn:aws:kms:us-east-1:111122223333:key/*"']);
});

test('a lockout needs bypass_policy_lockout_safety_check to pass, which is then a warning', () => {
  const text = key('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/App" }, Action = "kms:Decrypt", Resource = "*" }] })', '  bypass_policy_lockout_safety_check = true\n');
  assert.deepEqual(lintTerraform(text, parse).map((f) => `${f.code}:${f.severity}`), ['bypass-lockout-check:warning', 'lockout-risk:warning']);
});

test('HCL syntax errors: one finding each, nothing made up from the damaged policy; valid HCL has none', () => {
  const broken = key('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "kms:Decrypt", Resource = ] })');
  const codes = lintTerraform(broken, parse).map((f) => f.code);
  assert.ok(codes.includes('hcl-syntax'));
  assert.ok(codes.every((c) => c === 'hcl-syntax'), codes.join());
  assert.ok(!lintTerraform(fixture('terraform/main.tf'), parse).some((f) => f.code === 'hcl-syntax'));
});

test('templatefile() and file(): the named file is checked as a key policy in its own text; a missing one is one finding at its name', () => {
  const text = fixture('terraform/templated/main.tf');
  const read = (path: string) => {
    try {
      return fixture(`terraform/templated/${path}`);
    } catch {
      return undefined;
    }
  };
  const { findings, files } = lintTerraformModule(text, parse, {}, read);
  assert.deepEqual(at(text, findings), ['policy-file-missing@"${path.module}/policies/old.json.tpl"']);
  assert.match(findings[0].message, /aws_kms_key\.old reads its key policy from "policies\/old\.json\.tpl"/);
  const checked = files.map(({ file, findings: found }) => [file.address, file.path, file.template, found && at(read(file.path)!, found)]);
  assert.deepEqual(checked, [
    ['aws_kms_key.data', 'policies/key.json.tpl', true, ['unknown-action@"kms:GenerateDataKeys"', 'unknown-condition-operator@"StringEqual"']],
    ['aws_kms_key.signing', 'signing.json', false, ['unknown-action@"kms:Verified"']],
    ['aws_kms_key.old', 'policies/old.json.tpl', true, undefined],
  ]);
  // Without a reader (the file's own check) the references are left alone.
  assert.deepEqual(lintTerraform(text, parse), []);
});
