/**
 * Fuzz: thousands of mutated policies (from the fixtures and the vocabulary) through the parser, every
 * check, the evaluator and the explanation. Nothing may throw, every finding must lie inside the text,
 * and the same input must give the same findings. The PRNG is seeded, so a failure reproduces.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { explainAccess } from '../../../src-core/policy/authorizer';
import { evaluate } from '../../../src-core/policy/evaluate';
import { isKeyPolicyDocument, lintDocument, lintPolicyText, type Finding } from '../../../src-core/policy/lint';
import { lockoutRisk } from '../../../src-core/policy/lockout';
import { FIXTURES, fixture } from './helpers';

/** mulberry32: small, fast, good enough to drive mutations reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = [
  '*', 'kms:*', 'kms:Decrypt', 'kms:Create*', 'kms:PutKeyPolicy', 'KMS:decrypt', 's3:GetObject', 'kms:?ecrypt', '', '${aws:username}', '${', '}',
  'arn:aws:iam::111122223333:root', '111122223333', 'arn:aws:iam::111122223333:role/a', 'arn:aws:sts::111122223333:assumed-role/a/s', 'AIDAJQABLZS4A3QDU576Q',
  'StringEquals', 'ForAllValues:StringLike', 'NullIfExists', 'Null', 'Bool', 'NumericLessThan', 'DateGreaterThan', 'IpAddress', 'ArnLike', 'BinaryEquals',
  'kms:EncryptionContext:tenant', 'kms:EncryptionContextKeys', 'kms:CallerAccount', 'kms:ViaService', 'aws:SourceIp', 'aws:ResourceTag/x', 'aws:PrincipalArn',
  'Allow', 'Deny', 'allow', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Effect', 'Sid', 'Statement', 'Version',
  '2012-10-17', '2008-10-17', 'true', 'false', '10.0.0.0/8', '::1', '2026-01-01T00:00:00Z', '1700000000', 'a*b*c*d*e*f*g*h', 'é', '😀', '\u0000',
];

const SNIPPETS = ['{', '}', '[', ']', '"', ',', ':', '\\', '\n', ' ', '"*"', 'null', '0', '-', '!Ref', '- ', ': '];

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  const word = () => VOCAB[Math.floor(rand() * VOCAB.length)];
  if (depth > 3 || r < 0.45) return word();
  if (r < 0.55) return Math.floor(rand() * 100000) - 10;
  if (r < 0.6) return rand() < 0.5;
  if (r < 0.63) return null;
  if (r < 0.8) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  const obj: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 4); i > 0; i--) obj[word()] = randomValue(rand, depth + 1);
  return obj;
}

/** Replaces a random node of a parsed policy with a random value (structure-aware mutation). */
function mutateValue(rand: () => number, value: unknown): unknown {
  if (rand() < 0.15) return randomValue(rand, 0);
  if (Array.isArray(value)) {
    if (value.length === 0) return [randomValue(rand, 1)];
    const copy = [...value];
    const i = Math.floor(rand() * copy.length);
    copy[i] = mutateValue(rand, copy[i]);
    if (rand() < 0.1) copy.push(randomValue(rand, 1));
    return copy;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return { [VOCAB[Math.floor(rand() * VOCAB.length)]]: randomValue(rand, 1) };
    const i = Math.floor(rand() * entries.length);
    if (rand() < 0.2) entries[i] = [VOCAB[Math.floor(rand() * VOCAB.length)], entries[i][1]];
    else entries[i] = [entries[i][0], mutateValue(rand, entries[i][1])];
    if (rand() < 0.1) entries.splice(Math.floor(rand() * entries.length), 1);
    return Object.fromEntries(entries);
  }
  return randomValue(rand, 2);
}

/** Character-level mutation: delete, insert or duplicate a slice. */
function mutateText(rand: () => number, text: string): string {
  const at = Math.floor(rand() * (text.length + 1));
  const r = rand();
  if (r < 0.35) return text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 20));
  if (r < 0.75) return text.slice(0, at) + SNIPPETS[Math.floor(rand() * SNIPPETS.length)] + text.slice(at);
  const len = Math.floor(rand() * 200);
  return text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
}

const seeds = readdirSync(join(FIXTURES, 'aws-clean')).filter((f) => f.endsWith('.json')).map((f) => fixture(`aws-clean/${f}`));
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function assertWellFormed(text: string, findings: Finding[]): void {
  for (const f of findings) {
    assert.ok(f.offset >= 0 && f.length >= 0 && f.offset + f.length <= text.length, `finding ${f.code} out of range`);
    assert.ok(['error', 'warning', 'info'].includes(f.severity));
    assert.ok(f.message.length > 0);
    for (const e of f.fix?.edits ?? []) assert.ok(e.offset >= 0 && e.offset + e.length <= text.length, `fix of ${f.code} out of range`);
  }
}

function exercise(text: string, rand: () => number): void {
  const findings = lintPolicyText(text, { accountIds: ['111122223333'] });
  assertWellFormed(text, findings);
  assertWellFormed(text, lintDocument(text, rand() < 0.5 ? 'json' : 'yaml'));
  isKeyPolicyDocument(text);
  const principal = VOCAB[Math.floor(rand() * 6) + 12];
  const context = { 'kms:EncryptionContext:tenant': VOCAB[Math.floor(rand() * VOCAB.length)], 'aws:SourceIp': '10.1.2.3', 'kms:EncryptionContextKeys': ['tenant', 'x'] };
  const result = evaluate(text, [], { principal, accountId: '111122223333', action: 'kms:Decrypt', keyArn: KEY, context });
  assert.equal(typeof result.allowed, 'boolean');
  explainAccess(text);
  lockoutRisk(text, { accountId: '111122223333', region: 'us-east-1', principal }, KEY);
}

test('fuzz: 4000 structure-mutated policies', { timeout: 120_000 }, () => {
  const rand = prng(0x5eed);
  for (let i = 0; i < 4000; i++) {
    let value: unknown = JSON.parse(seeds[i % seeds.length]);
    for (let k = 1 + Math.floor(rand() * 4); k > 0; k--) value = mutateValue(rand, value);
    const text = JSON.stringify(value, null, rand() < 0.5 ? 2 : undefined) ?? 'null';
    try {
      exercise(text, rand);
    } catch (e) {
      assert.fail(`iteration ${i} failed on:\n${text}\n${(e as Error).stack}`);
    }
  }
});

test('fuzz: 3000 character-mutated policies, and the same input gives the same findings', { timeout: 120_000 }, () => {
  const rand = prng(0xfa11);
  for (let i = 0; i < 3000; i++) {
    let text = seeds[i % seeds.length];
    for (let k = 1 + Math.floor(rand() * 5); k > 0; k--) text = mutateText(rand, text);
    try {
      exercise(text, rand);
      if (i % 10 === 0) assert.deepEqual(lintPolicyText(text), lintPolicyText(text));
    } catch (e) {
      assert.fail(`iteration ${i} failed on:\n${text}\n${(e as Error).stack}`);
    }
  }
});
