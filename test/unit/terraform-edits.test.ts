/** The text the Terraform forms' quick fixes insert: each form's own syntax, indented like its neighbours. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Finding } from '../../src-core/policy/lint';
import { lintTerraform } from '../../src-core/terraform/lint';
import type { HclParse } from '../../src-core/terraform/syntax';
import { loadHclParser } from '../../src-node/terraform/hcl-parser';

let parse: HclParse;
before(async () => {
  parse = await loadHclParser();
});

const ACCOUNT = '111122223333';

function fixed(text: string, code: string): string {
  const f = lintTerraform(text, parse, { accountIds: [ACCOUNT] }).find((x: Finding) => x.code === code);
  assert.ok(f?.fix, `${code} has a fix`);
  let out = text;
  for (const e of [...f.fix.edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

const key = (policy: string) => `resource "aws_kms_key" "k" {\n  policy = ${policy}\n}\n`;

test('jsonencode: a statement in HCL object syntax, one member a line, in front of the first statement', () => {
  const text = key(`jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${ACCOUNT}:role/app" }
        Action    = "kms:Decrypt"
        Resource  = "*"
      }
    ]
  })`);
  assert.equal(fixed(text, 'lockout-risk'), text.replace('    Statement = [\n', `    Statement = [
      {
        Sid = "Enable IAM User Permissions"
        Effect = "Allow"
        Principal = { AWS = "arn:aws:iam::${ACCOUNT}:root" }
        Action = "kms:*"
        Resource = "*"
      },
`));
});

test('jsonencode on one line: members and items separated by commas', () => {
  const text = key(`jsonencode({ Statement = [{ Effect = "Allow", Principal = "arn:aws:iam::${ACCOUNT}:role/app", Action = "kms:Decrypt", NotResource = "x" }] })`);
  assert.equal(fixed(text, 'missing-version'), text.replace('{ Statement', '{ Version = "2012-10-17", Statement'));
  assert.equal(fixed(text, 'invalid-principal'), text.replace(`"arn:aws:iam::${ACCOUNT}:role/app"`, `{ AWS = "arn:aws:iam::${ACCOUNT}:role/app" }`));
  assert.equal(fixed(text, 'not-resource'), text.replace('NotResource = "x"', 'Resource = "*"'));
});

test('policy document: a statement block at the top of the document, a condition block after the last one', () => {
  const text = `data "aws_iam_policy_document" "key" {
\tstatement {
\t\teffect = "Allow"
\t\tprincipals {
\t\t\ttype        = "AWS"
\t\t\tidentifiers = ["arn:aws:iam::${ACCOUNT}:role/app"]
\t\t}
\t\tactions   = ["kms:CreateGrant"]
\t\tresources = ["*"]
\t\tcondition {
\t\t\ttest     = "StringEquals"
\t\t\tvariable = "kms:CallerAccount"
\t\t\tvalues   = ["${ACCOUNT}"]
\t\t}
\t}
}
${key('data.aws_iam_policy_document.key.json')}`;
  assert.equal(fixed(text, 'lockout-risk'), text.replace('{\n\tstatement {', `{
\tstatement {
\t\tsid = "Enable IAM User Permissions"
\t\teffect = "Allow"
\t\tprincipals {
\t\t\ttype = "AWS"
\t\t\tidentifiers = ["arn:aws:iam::${ACCOUNT}:root"]
\t\t}
\t\tactions = ["kms:*"]
\t\tresources = ["*"]
\t}
\tstatement {`));
  assert.equal(fixed(text, 'unconstrained-create-grant'), text.replace(`["${ACCOUNT}"]\n\t\t}`, `["${ACCOUNT}"]
\t\t}
\t\tcondition {
\t\t\ttest = "Bool"
\t\t\tvariable = "kms:GrantIsForAWSResource"
\t\t\tvalues = ["true"]
\t\t}`));
});

test('policy document: no fix where the edit could not be written without touching other text', () => {
  // A one-line block cannot take a second attribute; not_principals blocks with an attribute between them cannot be replaced as one.
  const oneLine = `data "aws_iam_policy_document" "key" {
  statement { actions = ["kms:Decrypt"] }
}
${key('data.aws_iam_policy_document.key.json')}`;
  assert.equal(lintTerraform(oneLine, parse).find((f) => f.code === 'missing-element' && f.message.includes('Resource'))?.fix, undefined);
  const split = `data "aws_iam_policy_document" "key" {
  statement {
    effect = "Deny"
    not_principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${ACCOUNT}:role/a"]
    }
    actions = ["kms:Decrypt"]
    not_principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${ACCOUNT}:role/b"]
    }
    resources = ["*"]
  }
}
${key('data.aws_iam_policy_document.key.json')}`;
  const deny = lintTerraform(split, parse).find((f) => f.code === 'not-principal-deny');
  assert.ok(deny);
  assert.equal(deny.fix, undefined);
});

test('a statement on one line takes the new member in front of its first, comma-separated', () => {
  const text = key(`jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::${ACCOUNT}:role/app" }, Action = "kms:Decrypt" }] })`);
  assert.match(fixed(text, 'missing-element'), /\{ Resource = "\*", Effect = "Allow"/);
});

test('a value carried into the new text keeps its HCL escaping ($${…} stays a policy variable, not an interpolation)', () => {
  const text = key(`jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect       = "Deny"
        NotPrincipal = { AWS = "arn:aws:iam::${ACCOUNT}:user/$\${aws:username}" }
        Action       = "kms:ScheduleKeyDeletion"
        Resource     = "*"
      }
    ]
  })`);
  // split/join: a replacement string of String.replace would read "$$" as one "$".
  assert.equal(fixed(text, 'not-principal-deny'), text.split(`NotPrincipal = { AWS = "arn:aws:iam::${ACCOUNT}:user/$\${aws:username}" }`)
    .join(`Principal = "*"\n        Condition = { ArnNotEquals = { "aws:PrincipalArn" = "arn:aws:iam::${ACCOUNT}:user/$\${aws:username}" } }`));
});
