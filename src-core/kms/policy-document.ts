/**
 * What CreateKey, PutKeyPolicy and ReplicateKey check in a key policy before they store it: the
 * 32 KB quota, a JSON document with statements that each name a principal, and the lockout safety
 * check (the caller must still be able to call PutKeyPolicy afterwards) unless it is bypassed.
 */
import { KmsError } from '../kms-error';
import { lockoutRisk } from '../policy/lockout';
import { isServicePrincipal, parseAwsPrincipal } from '../policy/principals';
import type { Caller } from './operation-context';

/** Key policy document quota in bytes (not adjustable). */
export const KEY_POLICY_MAX_BYTES = 32 * 1024;

function malformed(message: string): KmsError {
  return new KmsError('MalformedPolicyDocumentException', message);
}

/** "*", or a map of AWS principals (accounts, users, roles, sessions; not groups) and service principals. */
function validPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) return false;
  return Object.entries(principal).every(([type, value]) => {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.length === 0 || values.some((v) => typeof v !== 'string')) return false;
    if (type === 'AWS') return (values as string[]).every((v) => parseAwsPrincipal(v) !== undefined && parseAwsPrincipal(v)?.kind !== 'group');
    if (type === 'Service') return (values as string[]).every((v) => isServicePrincipal(v));
    return false;
  });
}

function assertStructure(text: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed('The key policy is not valid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw malformed('The key policy must be a JSON object.');
  const statements = (doc as { Statement?: unknown }).Statement;
  if (statements === undefined) throw malformed('The key policy has no Statement.');
  for (const st of Array.isArray(statements) ? statements : [statements]) {
    if (typeof st !== 'object' || st === null || Array.isArray(st)) throw malformed('Each policy statement must be a JSON object.');
    const s = st as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed('Policy contains a statement whose Effect is neither Allow nor Deny.');
    if (s.Principal === undefined && s.NotPrincipal === undefined) throw malformed('Policy contains a statement with no principal.');
    if (!validPrincipal(s.Principal ?? s.NotPrincipal)) throw malformed('Policy contains a statement with one or more invalid principals.');
  }
}

/** Throws LimitExceededException or MalformedPolicyDocumentException (AWS's texts) for a policy KMS would refuse. */
export function assertKeyPolicy(text: string, caller: Caller, keyArn: string, bypassLockoutCheck: boolean): void {
  if (Buffer.byteLength(text, 'utf8') > KEY_POLICY_MAX_BYTES) {
    throw new KmsError('LimitExceededException', `The key policy exceeds the maximum size of ${KEY_POLICY_MAX_BYTES} bytes.`);
  }
  assertStructure(text);
  if (!bypassLockoutCheck && lockoutRisk(text, caller, keyArn)) {
    throw malformed('The new key policy will not allow you to update the key policy in the future.');
  }
}
