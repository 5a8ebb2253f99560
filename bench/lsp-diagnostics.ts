/**
 * Diagnostics latency on a 32 KB key policy: from an incremental didChange to the publishDiagnostics of
 * that version over a real LSP connection (server spawned over stdio, no debounce), beside cfn-lint on
 * the same policy embedded in a CloudFormation template, in the same run. The in-process checker time is
 * printed too, to show how much of the round trip is the checks themselves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lintPolicyText } from '../src-core/policy/lint';
import { LspTestClient, positionOf } from '../test/lsp/client';

const ACCOUNT = '111122223333';
const TARGET_BYTES = 32 * 1024;

function statement(i: number): Record<string, unknown> {
  const sid = `Statement${String(i).padStart(4, '0')}`;
  return {
    Sid: sid,
    Effect: i % 7 === 3 ? 'Deny' : 'Allow',
    Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:role/App${i}`, `arn:aws:iam::${ACCOUNT}:role/Worker${i}`] },
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    Resource: '*',
    Condition: {
      StringEquals: { 'kms:ViaService': `s3.us-east-1.amazonaws.com`, 'kms:CallerAccount': ACCOUNT, [`kms:EncryptionContext:tenant${i}`]: `t-${i}` },
      'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [`tenant${i}`, 'purpose'] },
    },
  };
}

function buildPolicy(): object {
  const statements: Record<string, unknown>[] = [
    { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
  ];
  const policy = { Version: '2012-10-17', Statement: statements };
  for (let i = 1; JSON.stringify(policy, null, 2).length < TARGET_BYTES; i++) statements.push(statement(i));
  return policy;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

async function lspRoundTrips(text: string, iterations: number, report = false): Promise<number[]> {
  const client = await LspTestClient.start({ diagnosticsDelayMs: 0 });
  const uri = 'file:///bench/big.kms-policy.json';
  try {
    const opened = await client.open(uri, 'json', text);
    if (report) console.log(`diagnostics on the policy: ${opened.length} (${[...new Set(opened.map((d) => d.code))].join(', ')})`);
    // Flip the last digit of one Sid back and forth: a one-character incremental edit, as when typing.
    const at = positionOf(text, '"Statement0001"', '"Statement000'.length);
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const started = performance.now();
      await client.change(uri, [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: i % 2 ? '1' : '2' }]);
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    await client.stop();
  }
}

function inProcess(text: string, iterations: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    lintPolicyText(text);
    times.push(performance.now() - started);
  }
  return times;
}

function cfnLintRuns(policy: object, runs: number): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'kmsw-bench-'));
  try {
    const template = { AWSTemplateFormatVersion: '2010-09-09', Resources: { BenchKey: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: policy } } } };
    const file = join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(template, null, 2));
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const r = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
      times.push(performance.now() - started);
      if (r.error) throw r.error;
      // cfn-lint exits non-zero when it finds something; that is still a completed run.
      if (r.status !== null && r.status > 30) throw new Error(`cfn-lint failed (${r.status}): ${r.stderr}`);
    }
    return times;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A typical workspace JSON file (~20 KB) that is not a key policy: a few IDs, no KMS identifiers. */
function workspaceFile(i: number): string {
  const items = Array.from({ length: 150 }, (_, j) => ({ id: `${String(i).padStart(8, '0')}-0000-4000-8000-${String(j).padStart(12, '0')}`, name: `item ${j}`, tags: ['a', 'b'], enabled: j % 2 === 0 }));
  return JSON.stringify({ name: `package-${i}`, version: '1.0.0', items }, null, 2);
}

/** Opens `count` files and waits until each has its diagnostics: the cost of a large workspace's open editors. */
async function openMany(count: number, settings: Parameters<typeof LspTestClient.start>[0]): Promise<number> {
  const client = await LspTestClient.start(settings);
  try {
    const files = Array.from({ length: count }, (_, i) => workspaceFile(i));
    const started = performance.now();
    await Promise.all(files.map((text, i) => client.open(`file:///bench/ws/f${i}.json`, 'json', text)));
    return performance.now() - started;
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  const policy = buildPolicy();
  const text = JSON.stringify(policy, null, 2);
  console.log(`policy: ${(text.length / 1024).toFixed(1)} KB, ${(policy as { Statement: unknown[] }).Statement.length} statements`);

  inProcess(text, 20); // warm-up
  const checker = inProcess(text, 100);
  await lspRoundTrips(text, 30); // warm-up server run (JIT), discarded
  const lsp = await lspRoundTrips(text, 200, true);
  const cfn = cfnLintRuns(policy, 5);

  const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
  console.log(`checker in process (lintPolicyText): median ${fmt(median(checker))}, p95 ${fmt(p95(checker))}`);
  console.log(`LSP didChange → publishDiagnostics:  median ${fmt(median(lsp))}, p95 ${fmt(p95(lsp))}`);
  console.log(`cfn-lint on the same policy in a template (one CLI run): median ${fmt(median(cfn))}, p95 ${fmt(p95(cfn))}`);
  console.log(`ratio cfn-lint / LSP (median): ${(median(cfn) / median(lsp)).toFixed(0)}x`);

  // Reference: the same opens with every check switched off, i.e. what sync and publish alone cost.
  const files = 2000;
  await openMany(200, {}); // warm-up
  const checked = await openMany(files, {});
  const bare = await openMany(files, { checkIdentifiers: false, policyFiles: [] });
  console.log(`${files} workspace JSON files (~${(workspaceFile(0).length / 1024).toFixed(0)} KB each) opened → all diagnostics: ${fmt(checked)} with checks, ${fmt(bare)} without (ratio ${(checked / bare).toFixed(2)})`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
