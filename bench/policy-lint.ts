/**
 * Diagnostics time for a 32 KB key policy: our checker (lintPolicyText on the policy, lintDocument on the
 * same policy embedded in a CloudFormation template, JSON and YAML) beside cfn-lint on that template, in
 * one run. cfn-lint is a CLI, so its time includes Python start-up; it is also run on a template without a
 * key to show how much of its time is the policy itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { lintDocument, lintPolicyText } from '../src-core/policy/lint';

const ACCOUNT = '111122223333';
const LIMIT = 32768;

/** Statements in the shapes real key policies use: users, services, conditions on context and callers. */
function statement(i: number): Record<string, unknown> {
  const kinds = [
    { Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:role/app-${i}`] }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Condition: { StringEquals: { [`kms:EncryptionContext:tenant`]: `t-${i}` } } },
    { Principal: { AWS: '*' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'], Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': `s3.us-east-${(i % 2) + 1}.amazonaws.com` } } },
    { Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*'], Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:group-${i}` } } },
    { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin-${i}` }, Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*'] },
  ];
  return { Sid: `Statement ${i}`, Effect: 'Allow', Resource: '*', ...kinds[i % kinds.length] };
}

function buildPolicy(): { Version: string; Statement: Record<string, unknown>[] } {
  const policy = { Version: '2012-10-17', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' } as Record<string, unknown>] };
  for (let i = 1; ; i++) {
    policy.Statement.push(statement(i));
    if (Buffer.byteLength(JSON.stringify(policy, null, 2)) > LIMIT) {
      policy.Statement.pop();
      return policy;
    }
  }
}

function times(fn: () => void, iterations: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    fn();
    out.push(performance.now() - started);
  }
  return out;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
}

function cfnLint(file: string, runs: number): number[] {
  return times(() => {
    const r = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
    if (r.error) throw r.error;
    // cfn-lint's exit code is a bit mask of what it found (2 error, 4 warning, 8 informational); 1 is a crash.
    if (r.status === 1 || (r.status ?? 0) > 15) throw new Error(`cfn-lint failed (${r.status}): ${r.stderr}`);
  }, runs);
}

function main(): void {
  const policy = buildPolicy();
  const text = JSON.stringify(policy, null, 2);
  const template = { AWSTemplateFormatVersion: '2010-09-09', Resources: { BenchKey: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: policy } } } };
  const templateJson = JSON.stringify(template, null, 2);
  const templateYaml = stringify(template);
  const dir = mkdtempSync(join(tmpdir(), 'kmsw-policy-bench-'));
  try {
    const keyFile = join(dir, 'key.json');
    const emptyFile = join(dir, 'empty.json');
    writeFileSync(keyFile, templateJson);
    writeFileSync(emptyFile, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }));

    const findings = lintPolicyText(text);
    console.log(`policy: ${Buffer.byteLength(text)} bytes, ${policy.Statement.length} statements, ${findings.length} findings (${[...new Set(findings.map((f) => f.code))].join(', ') || 'none'})`);
    times(() => lintPolicyText(text), 50); // warm-up (JIT)
    const ours = times(() => lintPolicyText(text), 300);
    times(() => lintDocument(templateJson, 'json'), 20);
    const oursJson = times(() => lintDocument(templateJson, 'json'), 200);
    times(() => lintDocument(templateYaml, 'yaml'), 20);
    const oursYaml = times(() => lintDocument(templateYaml, 'yaml'), 200);
    const cfn = cfnLint(keyFile, 5);
    const cfnEmpty = cfnLint(emptyFile, 3);

    const ms = (x: number) => `${x.toFixed(2)} ms`;
    const line = (name: string, xs: number[]) => console.log(`${name.padEnd(48)} median ${ms(quantile(xs, 0.5)).padStart(11)}  p95 ${ms(quantile(xs, 0.95)).padStart(11)}`);
    line('lintPolicyText (policy JSON)', ours);
    line('lintDocument (CloudFormation JSON template)', oursJson);
    line('lintDocument (CloudFormation YAML template)', oursYaml);
    line('cfn-lint (same JSON template, one CLI run)', cfn);
    line('cfn-lint (template without a key: start-up)', cfnEmpty);
    const cfnMedian = quantile(cfn, 0.5);
    const policyShare = Math.max(cfnMedian - quantile(cfnEmpty, 0.5), 0);
    console.log(`ratio cfn-lint / lintDocument on the JSON template (median): ${(cfnMedian / quantile(oursJson, 0.5)).toFixed(0)}x`);
    console.log(`ratio cfn-lint minus its start-up / lintDocument (median): ${(policyShare / quantile(oursJson, 0.5)).toFixed(0)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
