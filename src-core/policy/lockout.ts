/**
 * KMS's policy lockout safety check: CreateKey, PutKeyPolicy and ReplicateKey refuse a policy that
 * would not let the calling principal call PutKeyPolicy on the key afterwards (unless
 * BypassPolicyLockoutSafetyCheck is set). Decided with the evaluator for the caller's own request
 * context; a statement naming the caller's account counts as allowing it (see evaluate.ts).
 */
import type { Caller } from '../kms/operation-context';
import { evaluate, policyModel, requestFromCaller } from './evaluate';
import type { PolicyModel } from './model';

/** True when, under this policy, the caller could no longer call kms:PutKeyPolicy on the key. */
export function lockoutRisk(policyText: string, caller: Caller, keyArn: string): boolean {
  const model = policyModel(policyText);
  return !model || lockoutRiskFor(model, caller, keyArn);
}

/** The same for a parsed policy (grants cannot allow PutKeyPolicy, so only the policy counts). */
export function lockoutRiskFor(model: PolicyModel, caller: Caller, keyArn: string): boolean {
  return !evaluate(model, [], requestFromCaller(caller, 'kms:PutKeyPolicy', keyArn)).allowed;
}
