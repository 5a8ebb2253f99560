/**
 * One access decision (kms simulate, Check Access, the local keyring's authorizer) on a 32 KB key policy
 * with 500 grants: from the policy text (parse + decide, as simulate does) and from a parsed policy (as
 * the authorizer does with its cache), beside JSON.parse of the same text as the reference of this run.
 */
import { performance } from 'node:perf_hooks';
import type { GrantRecord } from '../src-core/kms/state';
import { decide, policyModel, type EvaluationRequest } from '../src-core/policy/evaluate';

const ACCOUNT = '111122223333';
const LIMIT = 32768;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function statement(i: number): Record<string, unknown> {
  const kinds = [
    { Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:role/app-${i}`] }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Condition: { StringEquals: { 'kms:EncryptionContext:tenant': `t-${i}` } } },
    { Principal: { AWS: '*' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'], Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': `s3.us-east-${(i % 2) + 1}.amazonaws.com` } } },
    { Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*'], Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:group-${i}` } } },
    { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Condition: { StringNotEquals: { 'aws:SourceVpce': `vpce-${i}` }, StringEquals: { 'kms:EncryptionContext:tenant': `blocked-${i}` } } },
  ];
  return { Sid: `Statement ${i}`, Effect: 'Allow', Resource: '*', ...kinds[i % kinds.length] };
}

function buildPolicy(): string {
  const policy = { Version: '2012-10-17', Statement: [] as Record<string, unknown>[] };
  for (let i = 1; ; i++) {
    policy.Statement.push(statement(i));
    if (Buffer.byteLength(JSON.stringify(policy, null, 2)) > LIMIT) {
      policy.Statement.pop();
      return JSON.stringify(policy, null, 2);
    }
  }
}

const grants: GrantRecord[] = Array.from({ length: 500 }, (_, i) => ({
  grantId: `grant-${i}`, createdAt: 0, granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/worker-${i}`, issuingAccount: ACCOUNT,
  operations: ['Decrypt', 'Encrypt', 'GenerateDataKey'], tokens: [], constraints: { EncryptionContextSubset: { job: `j-${i}` } },
}));

// The worst case for the walk: no statement allows, so every statement and every grant is examined.
const request: EvaluationRequest = { principal: `arn:aws:iam::${ACCOUNT}:role/worker-499`, accountId: ACCOUNT, action: 'kms:Decrypt', keyArn: KEY, context: { 'kms:EncryptionContext:job': 'j-499' } };

function times(fn: () => void, iterations: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    fn();
    out.push(performance.now() - started);
  }
  return out;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

function main(): void {
  const text = buildPolicy();
  const model = policyModel(text)!;
  const d = decide(text, grants, request);
  console.log(`policy: ${Buffer.byteLength(text)} bytes, ${model.statements.length} statements; ${grants.length} grants; decision ${d.decision} by ${d.grant ?? d.statements.map((s) => s.sid).join(', ')}`);
  times(() => decide(text, grants, request), 30);
  const fromText = times(() => decide(text, grants, request), 300);
  times(() => decide(model, grants, request), 30);
  const fromModel = times(() => decide(model, grants, request), 300);
  times(() => JSON.parse(text), 30);
  const parse = times(() => JSON.parse(text), 300);
  const ms = (x: number) => `${x.toFixed(3)} ms`;
  const line = (name: string, xs: number[]) => console.log(`${name.padEnd(44)} median ${ms(quantile(xs, 0.5)).padStart(11)}  p95 ${ms(quantile(xs, 0.95)).padStart(11)}`);
  line('decide (policy text + 500 grants)', fromText);
  line('decide (parsed policy + 500 grants)', fromModel);
  line('reference: JSON.parse of the policy text', parse);
  console.log(`ratio decide from text / JSON.parse (median): ${(quantile(fromText, 0.5) / quantile(parse, 0.5)).toFixed(1)}x`);
  console.log(`ratio decide from a parsed policy / JSON.parse (median): ${(quantile(fromModel, 0.5) / quantile(parse, 0.5)).toFixed(1)}x`);
}

main();
