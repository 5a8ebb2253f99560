/**
 * The real-world corpus (../shared/policies-realworld, read in place) written as Terraform: each bare key policy
 * as `jsonencode({...})` and as a `data "aws_iam_policy_document"`, the way modules write them. Terraform adds
 * nothing to what a policy means, so each form must get the findings (code and severity) the JSON gets, the
 * lockout finding included, and none of the codes expected.json lists as false alarms there. A policy document
 * always renders a Version, so it never lacks one.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { lintPolicyText, type Finding } from '../../src-core/policy/lint';
import { lintTerraform } from '../../src-core/terraform/lint';
import type { HclParse } from '../../src-core/terraform/syntax';
import { loadHclParser } from '../../src-node/terraform/hcl-parser';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'policies-realworld');
const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Record<string, { must_not_flag_codes: string[] }>;

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** An HCL string: `${` and `%{` are escaped as Terraform users write policy variables ($${aws:username}). */
const str = (v: Json) => JSON.stringify(String(v)).replace(/([$%])\{/g, (_, m: string) => `${m}${m}{`);
const list = (v: Json) => `[${(Array.isArray(v) ? v : [v]).map(str).join(', ')}]`;
const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : str(k));

function expression(v: Json, indent: string): string {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? str(v) : JSON.stringify(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + expression(x, inner)).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(v).map(([k, x]) => `${inner}${key(k)} = ${expression(x, inner)}`).join('\n')}\n${indent}}`;
}

const resource = (policy: string) => `resource "aws_kms_key" "this" {\n  description = "corpus"\n  policy      = ${policy}\n}\n`;

function jsonencode(policy: Json): string {
  return resource(`jsonencode(${expression(policy, '  ')})`);
}

function document(policy: Record<string, Json>): string {
  const statements = (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]) as Record<string, Json>[];
  const blocks = statements.map((st) => {
    const lines: string[] = [];
    if (st.Sid !== undefined) lines.push(`sid = ${str(st.Sid)}`);
    if (st.Effect !== undefined) lines.push(`effect = ${str(st.Effect)}`);
    for (const [element, attribute] of [['Action', 'actions'], ['NotAction', 'not_actions'], ['Resource', 'resources'], ['NotResource', 'not_resources']]) {
      if (st[element] !== undefined) lines.push(`${attribute} = ${list(st[element])}`);
    }
    for (const [element, block] of [['Principal', 'principals'], ['NotPrincipal', 'not_principals']]) {
      const p = st[element];
      if (p === undefined) continue;
      for (const [type, ids] of p === '*' ? [['*', '*']] : Object.entries(p as Record<string, Json>)) lines.push(`${block} {`, `  type        = ${str(type)}`, `  identifiers = ${list(ids)}`, '}');
    }
    for (const [test, keys] of Object.entries((st.Condition ?? {}) as Record<string, Record<string, Json>>)) {
      for (const [variable, values] of Object.entries(keys)) lines.push('condition {', `  test     = ${str(test)}`, `  variable = ${str(variable)}`, `  values   = ${list(values)}`, '}');
    }
    return `  statement {\n${lines.map((l) => `    ${l}`).join('\n')}\n  }`;
  });
  const head = [policy.Version !== undefined ? `  version = ${str(policy.Version)}` : '', policy.Id !== undefined ? `  policy_id = ${str(policy.Id)}` : ''].filter(Boolean);
  return `data "aws_iam_policy_document" "key" {\n${[...head, ...blocks].join('\n')}\n}\n\n${resource('data.aws_iam_policy_document.key.json')}`;
}

const signature = (findings: Finding[]) => findings.map((f) => `${f.code}/${f.severity}`).sort();

let parse: HclParse;
before(async () => {
  parse = await loadHclParser();
});

/** The corpus's bare key policies that are valid JSON (templates and broken files have their own tests). */
const policies = readdirSync(CORPUS).filter((f) => f.endsWith('.json') && !f.startsWith('cfn-') && f !== 'expected.json').flatMap((file) => {
  try {
    return [{ file, text: readFileSync(join(CORPUS, file), 'utf8'), policy: JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Record<string, Json> }];
  } catch {
    return [];
  }
});

test('the corpus has bare key policies to write as Terraform', () => {
  assert.ok(policies.length >= 50, `${policies.length}`);
});

for (const { file, text, policy } of policies) {
  test(`real-world as Terraform: ${file}`, () => {
    const json = signature(lintPolicyText(text));
    const forms = { jsonencode: jsonencode(policy), document: document(policy) };
    for (const [form, tf] of Object.entries(forms)) {
      const found = lintTerraform(tf, parse);
      const falseAlarms = found.filter((f) => expected[file].must_not_flag_codes.includes(f.code));
      assert.deepEqual(falseAlarms.map((f) => `${form}: ${f.code}: ${f.message}`), []);
      const want = form === 'document' ? json.filter((s) => !s.startsWith('missing-version/')) : json;
      assert.deepEqual(signature(found), want, `${form}:\n${tf}`);
    }
  });
}
