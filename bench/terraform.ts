/**
 * Terraform key policies: (1) re-check of a 30 KB .tf after a one-character edit (what the language server
 * does per keystroke: re-parse of its kept tree + every check), beside lintPolicyText on the same policy as JSON,
 * and the same re-check parsing from scratch for reference; (2) a folder of
 * 500 .tf files linted by `kmsw lint` (the bundle, one process), beside cfn-lint on the same 500 policies as
 * CloudFormation templates (one cfn-lint process for all), in one run. Needs `npm run build` first.
 * Goals: re-check ≤ 5 ms median; the folder ≥ 20× faster than cfn-lint.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lintPolicyText } from '../src-core/policy/lint';
import { lintTerraform } from '../src-core/terraform/lint';
import { loadHclParsers } from '../src-node/terraform/hcl-parser';

const ACCOUNT = '111122223333';

function statement(i: number): Record<string, unknown> {
  const kinds = [
    { Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:role/app-${i}`] }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Condition: { StringEquals: { 'kms:EncryptionContext:tenant': `t-${i}` } } },
    { Principal: { AWS: '*' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': `s3.us-east-${(i % 2) + 1}.amazonaws.com` } } },
    { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin-${i}` }, Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*'] },
  ];
  return { Sid: `Statement${i}`, Effect: 'Allow', Resource: '*', ...kinds[i % kinds.length] };
}

function policyOf(statements: number): Record<string, unknown> {
  const list = [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }, ...Array.from({ length: statements }, (_, i) => statement(i + 1))];
  return { Version: '2012-10-17', Statement: list };
}

/** The policy as Terraform writes it: jsonencode of an HCL object (`Key = value`, `"kms:ViaService" = value`). */
const terraformOf = (policy: unknown, name: string) =>
  `resource "aws_kms_key" "${name}" {\n  description = "bench"\n  policy = jsonencode(${JSON.stringify(policy, null, 2).replace(/"([A-Za-z]+)": /g, '$1 = ').replace(/("[^"]+"): /g, '$1 = ').replace(/\n/g, '\n  ')})\n}\n`;

function sizedPolicy(bytes: number): Record<string, unknown> {
  let n = 1;
  while (Buffer.byteLength(terraformOf(policyOf(n + 1), 'main')) <= bytes) n++;
  return policyOf(n);
}

function times(fn: (i: number) => void, iterations: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    fn(i);
    out.push(performance.now() - started);
  }
  return out;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
}

const ms = (x: number) => `${x.toFixed(2)} ms`;
const line = (name: string, xs: number[]) => console.log(`${name.padEnd(52)} median ${ms(quantile(xs, 0.5)).padStart(11)}  p95 ${ms(quantile(xs, 0.95)).padStart(11)}`);

function run(command: string, args: string[], okStatus: (s: number) => boolean): number {
  const started = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (!okStatus(r.status ?? 0)) throw new Error(`${command} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const { parse, open } = await loadHclParsers();
  const document = open();
  const policy = sizedPolicy(30 * 1024);
  const tf = terraformOf(policy, 'main');
  const json = JSON.stringify(policy, null, 2);
  // One edit per check: a Sid's last digit changes, as typing would.
  const at = tf.indexOf('Statement1"');
  const edited = (i: number) => tf.slice(0, at + 9) + String(i % 10) + tf.slice(at + 10);
  const jsonAt = json.indexOf('Statement1"');
  const editedJson = (i: number) => json.slice(0, jsonAt + 9) + String(i % 10) + json.slice(jsonAt + 10);
  console.log(`.tf: ${Buffer.byteLength(tf)} bytes, ${(policy.Statement as unknown[]).length} statements, ${lintTerraform(tf, parse).length} findings; same policy as JSON: ${Buffer.byteLength(json)} bytes, ${lintPolicyText(json).length} findings`);
  times((i) => lintTerraform(edited(i), document.parse), 30);
  const hcl = times((i) => lintTerraform(edited(i), document.parse), 300);
  document.delete();
  times((i) => lintTerraform(edited(i), parse), 30);
  const scratch = times((i) => lintTerraform(edited(i), parse), 300);
  times((i) => lintPolicyText(editedJson(i)), 30);
  const plain = times((i) => lintPolicyText(editedJson(i)), 300);
  line('re-check of the .tf after one edit (kept tree)', hcl);
  line('the same, parsing from scratch', scratch);
  line('re-check of the same policy as JSON (lintPolicyText)', plain);
  console.log(`ratio .tf / JSON (median): ${(quantile(hcl, 0.5) / quantile(plain, 0.5)).toFixed(2)}x`);

  const dir = mkdtempSync(join(tmpdir(), 'kmsw-terraform-bench-'));
  try {
    mkdirSync(join(dir, 'tf'));
    mkdirSync(join(dir, 'cfn'));
    const cfnFiles: string[] = [];
    for (let i = 0; i < 500; i++) {
      const p = policyOf(3 + (i % 8));
      writeFileSync(join(dir, 'tf', `key${i}.tf`), terraformOf(p, `key${i}`));
      const file = join(dir, 'cfn', `key${i}.json`);
      writeFileSync(file, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: p } } } }, null, 2));
      cfnFiles.push(file);
    }
    // kmsw lint exits 1 when it finds errors; cfn-lint's exit code is a bit mask (1 is a crash).
    const kmsw = [0, 1, 2].map(() => run(process.execPath, ['dist/kmsw.js', 'lint', join(dir, 'tf'), '--format', 'json'], (s) => s <= 1));
    line('kmsw lint, folder of 500 .tf files (one process)', kmsw);
    if (spawnSync('cfn-lint', ['--version']).error) {
      console.log('cfn-lint is not installed (pip install cfn-lint): the folder has no reference, so no ratio.');
      return;
    }
    const cfn = [0].map(() => run('cfn-lint', cfnFiles, (s) => s !== 1 && s <= 15));
    line('cfn-lint, the same 500 policies as templates', cfn);
    console.log(`ratio cfn-lint / kmsw lint (median): ${(quantile(cfn, 0.5) / quantile(kmsw, 0.5)).toFixed(1)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
