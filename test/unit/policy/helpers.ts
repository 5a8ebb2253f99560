/** Shared helpers of the policy tests: fixtures on disk and findings reduced to what a test asserts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../../src-core/policy/lint';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** `code@text` for each finding: the code and the exact text it points at. */
export function codesAt(text: string, findings: Finding[]): string[] {
  return findings.map((f) => `${f.code}@${text.slice(f.offset, f.offset + f.length)}`);
}

/** A policy with one statement built from the given fields over a valid default statement. */
export function policyWith(statement: Record<string, unknown>, extra: Record<string, unknown>[] = []): string {
  const base = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
  return JSON.stringify({ Version: '2012-10-17', Statement: [base, statement, ...extra] }, null, 2);
}
