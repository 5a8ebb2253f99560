/**
 * KMS's policy lockout safety check: CreateKey, PutKeyPolicy and ReplicateKey refuse a policy that
 * would not let the calling principal call PutKeyPolicy on the key afterwards (unless
 * BypassPolicyLockoutSafetyCheck is set). Decided with the evaluator for the caller's own request
 * context; a statement naming the caller's account counts as allowing it (see evaluate.ts).
 */
import type { Caller } from '../kms/context';
import { evaluate, policyModel, requestFromCaller } from './evaluate';

/** True when, under this policy, the caller could no longer call kms:PutKeyPolicy on the key. */
export function lockoutRisk(policyText: string, caller: Caller, keyArn: string): boolean {
  const model = policyModel(policyText);
  if (!model) return true;
  return !evaluate(model, [], requestFromCaller(caller, 'kms:PutKeyPolicy', keyArn)).allowed;
}
