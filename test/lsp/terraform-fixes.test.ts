/**
 * Every quick fix that inserts text, in every Terraform form of a key policy, over a real LSP connection: the
 * action is offered, its edit leaves a module that parses, and the finding it fixed is gone. The modules are
 * written as people write them (terraform fmt's aligned `=` in policy documents); the inserted text is not
 * aligned, and need not be.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient } from './client';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/admin`;
const ROOT = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };

type Json = string | Json[] | { [k: string]: Json };
type Form = 'jsonencode' | 'heredoc' | 'document';

const hclKey = (k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k));

function hclExpression(v: Json, indent: string): string {
  if (typeof v === 'string') return JSON.stringify(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + hclExpression(x, inner)).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(v).map(([k, x]) => `${inner}${hclKey(k)} = ${hclExpression(x, inner)}`).join('\n')}\n${indent}}`;
}

const list = (v: Json) => JSON.stringify(Array.isArray(v) ? v : [v]).replace(/","/g, '", "');

/** A statement as terraform fmt leaves a policy document's block: attributes of a run aligned on `=`. */
function documentStatement(st: Record<string, Json>): string {
  const lines: string[] = [];
  const aligned = (pairs: [string, string][], indent: string) => {
    const width = Math.max(...pairs.map(([k]) => k.length));
    return pairs.map(([k, v]) => `${indent}${k.padEnd(width)} = ${v}`);
  };
  const attrs: [string, string][] = [];
  for (const [k, v] of Object.entries(st)) {
    const name = ({ Sid: 'sid', Effect: 'effect', Action: 'actions', NotAction: 'not_actions', Resource: 'resources', NotResource: 'not_resources' } as Record<string, string>)[k];
    if (name) attrs.push([name, name === 'sid' || name === 'effect' ? JSON.stringify(v) : list(v)]);
  }
  lines.push(...aligned(attrs, '    '));
  for (const which of ['Principal', 'NotPrincipal']) {
    const p = st[which];
    if (!p) continue;
    const types = p === '*' ? [['*', '*']] : Object.entries(p as Record<string, Json>);
    for (const [type, ids] of types) {
      lines.push('', `    ${which === 'Principal' ? 'principals' : 'not_principals'} {`, ...aligned([['type', JSON.stringify(type)], ['identifiers', list(ids)]], '      '), '    }');
    }
  }
  for (const [test, keys] of Object.entries((st.Condition ?? {}) as Record<string, Record<string, Json>>)) {
    for (const [variable, values] of Object.entries(keys)) {
      lines.push('', '    condition {', ...aligned([['test', JSON.stringify(test)], ['variable', JSON.stringify(variable)], ['values', list(values)]], '      '), '    }');
    }
  }
  return `  statement {\n${lines.join('\n')}\n  }`;
}

function module(form: Form, policy: { Version?: string; Statement: Record<string, Json>[] }): string {
  const key = (value: string) => `resource "aws_kms_key" "main" {\n  description         = "app data"\n  enable_key_rotation = true\n  policy              = ${value}\n}\n`;
  if (form === 'jsonencode') return key(`jsonencode(${hclExpression(policy, '  ')})`);
  if (form === 'heredoc') return key(`<<EOF\n${JSON.stringify(policy, null, 2)}\nEOF`);
  const version = policy.Version ? `  version = ${JSON.stringify(policy.Version)}\n\n` : '';
  return `data "aws_iam_policy_document" "key" {\n${version}${policy.Statement.map(documentStatement).join('\n\n')}\n}\n\n${key('data.aws_iam_policy_document.key.json')}`;
}

interface Case {
  code: string;
  title: string;
  forms: Form[];
  statements: Record<string, Json>[];
  version?: false;
}

const ALL: Form[] = ['jsonencode', 'heredoc', 'document'];
const CASES: Case[] = [
  { code: 'lockout-risk', title: 'Add the account-root statement', forms: ALL, statements: [{ Sid: 'App', Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' }] },
  { code: 'unconstrained-create-grant', title: 'Allow grants only for AWS services (kms:GrantIsForAWSResource)', forms: ALL, statements: [ROOT, { Sid: 'Grants', Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['kms:CreateGrant', 'kms:ListGrants'], Resource: '*' }] },
  {
    code: 'unconstrained-create-grant', title: 'Allow grants only for AWS services (kms:GrantIsForAWSResource)', forms: ALL,
    statements: [ROOT, { Sid: 'Grants', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:CreateGrant', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }],
  },
  {
    code: 'network-deny-without-service-exception', title: 'Exempt calls made by AWS services (aws:ViaAWSService)', forms: ALL,
    statements: [ROOT, { Sid: 'Network', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }],
  },
  { code: 'missing-version', title: 'Add "Version": "2012-10-17"', forms: ['jsonencode', 'heredoc'], version: false, statements: [ROOT] },
  { code: 'not-resource', title: 'Use "Resource": "*"', forms: ALL, statements: [ROOT, { Sid: 'App', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', NotResource: 'arn:aws:s3:::bucket' }] },
  { code: 'missing-element', title: 'Add "Resource": "*"', forms: ALL, statements: [ROOT, { Sid: 'App', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt' }] },
  { code: 'invalid-principal', title: 'Wrap in {"AWS": …}', forms: ['jsonencode', 'heredoc'], statements: [ROOT, { Sid: 'App', Effect: 'Allow', Principal: ROLE, Action: 'kms:Decrypt', Resource: '*' }] },
  {
    code: 'not-principal-deny', title: 'Deny "*" unless aws:PrincipalArn is exempted', forms: ALL,
    statements: [ROOT, { Sid: 'OnlyAdmins', Effect: 'Deny', NotPrincipal: { AWS: [ADMIN, ROLE] }, Action: 'kms:ScheduleKeyDeletion', Resource: '*' }],
  },
];

const SYNTAX = new Set(['hcl-syntax', 'json-syntax']);

describe('Terraform quick fixes that insert text', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
    // The lockout fix names the root of an account of the workspace that the module mentions.
    await client.sendKeyring({ scopes: [{ connection: 'local', accountId: ACCOUNT, region: 'us-east-1' }], keys: [] });
  });
  after(() => client.stop());

  /** The first check of a .tf file starts loading the parser; its findings come with the check that follows. */
  async function open(uri: string, text: string): Promise<Diagnostic[]> {
    const first = await client.open(uri, 'terraform', text);
    return first.length ? first : (await client.nextDiagnostics(uri)).diagnostics;
  }

  /** Applies the fix of the first finding with `code`; returns the new text and the diagnostics published for it. */
  async function applyFix(uri: string, text: string, code: string, title: string): Promise<{ fixed: string; after: Diagnostic[] }> {
    const diagnostics = await open(uri, text);
    const finding = diagnostics.find((d) => d.code === code);
    assert.ok(finding, `${code} in ${text}\n${JSON.stringify(diagnostics.map((d) => d.code))}`);
    const action = (await client.codeActions(uri, finding.range, [finding])).find((a) => a.title === title);
    assert.ok(action, `no "${title}" fix`);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'terraform', 1, text), action.edit!.changes![uri]);
    return { fixed, after: (await client.change(uri, [{ text: fixed }])).diagnostics };
  }

  for (const c of CASES) {
    for (const form of c.forms) {
      it(`${c.code} in ${form}${c.statements.some((s) => s.Condition) ? ' (with a Condition)' : ''}: "${c.title}"`, async () => {
        const text = module(form, { ...(c.version === false ? {} : { Version: '2012-10-17' }), Statement: c.statements });
        const uri = `file:///work/fixes/${c.code}-${form}-${CASES.indexOf(c)}.tf`;
        const { fixed, after } = await applyFix(uri, text, c.code, c.title);
        const codes = after.map((d) => d.code);
        assert.ok(!codes.some((code) => SYNTAX.has(String(code))), `syntax error after the fix:\n${fixed}\n${JSON.stringify(after)}`);
        assert.ok(!codes.includes(c.code), `${c.code} still there after the fix:\n${fixed}`);
        await client.close(uri);
      });
    }
  }

  it('writes HCL in the style of the neighbours: a jsonencode statement list opened on the same line, quoted keys', async () => {
    const text = `resource "aws_kms_key" "k" {
  policy = jsonencode({
    "Version" = "2012-10-17"
    "Statement" = [{
      "Sid" = "App"
      "Effect" = "Allow"
      "Principal" = { "AWS" = "${ROLE}" }
      "Action" = ["kms:Decrypt"]
    }]
  })
}
`;
    const { fixed, after } = await applyFix('file:///work/fixes/style.tf', text, 'missing-element', 'Add "Resource": "*"');
    assert.match(fixed, /\n {6}"Resource" = "\*"\n {6}"Sid" = "App"/);
    assert.deepEqual(after.map((d) => d.code).filter((code) => code === 'missing-element' || SYNTAX.has(String(code))), []);
    const lockout = await applyFix('file:///work/fixes/style-lockout.tf', fixed, 'lockout-risk', 'Add the account-root statement');
    assert.match(lockout.fixed, /"Statement" = \[\{\n {6}"Sid" = "Enable IAM User Permissions"\n[\s\S]*"Principal" = \{ "AWS" = "arn:aws:iam::111122223333:root" \}[\s\S]*\}, \{\n {6}"Resource"/);
    assert.deepEqual(lockout.after.map((d) => d.code).filter((code) => code === 'lockout-risk' || SYNTAX.has(String(code))), []);
  });
});
