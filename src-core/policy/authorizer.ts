/**
 * The engine's authorizer: every KMS request is decided by the key policy and the key's grants.
 *
 * Rules of the local KMS (there is no IAM locally):
 * - Requests without a key (CreateKey, ListKeys, GenerateRandom, custom key stores…) and account-level
 *   actions even when a key is named (ListAliases with a KeyId) are allowed in AWS by the caller's IAM
 *   policies only; locally every principal of the caller's own account may make them.
 * - Requests on a key are evaluated against its key policy and grants (evaluate.ts). A statement that
 *   names an account delegates to that account's IAM policies; with no IAM policies to consult it allows
 *   every principal of the account, so the default key policy keeps allowing everyone of the account while
 *   a policy that names only specific principals is enforced.
 */
import type { AuthorizationDecision, Authorizer } from '../kms/operation-context';
import type { GrantRecord } from '../kms/state';
import { KMS_ACTIONS } from './data';
import { evaluateCaller, policyModel, type EvaluationOptions, type EvaluationRequest } from './evaluate';
import type { PolicyModel } from './model';

export { explainAccess, explainDecision, type AccessEntry, type DecisionExplanation, type StatementTrace } from './explain';

const CACHE_LIMIT = 256;

/** A refused request with what decided it, for an explanation outside the AWS error (whose text stays AWS's). */
export interface Denial {
  request: EvaluationRequest;
  policy: string;
  grants: readonly GrantRecord[];
}

export interface PolicyAuthorizerOptions extends EvaluationOptions {
  /** Told of every refusal, synchronously, before the AccessDeniedException is thrown. */
  onDeny?: (denial: Denial) => void;
}

/** Account-level actions, decided by IAM alone (by action name as requested, `kms:` or not). */
const iamActions = new Map<string, boolean>();

function decidedByIam(action: string): boolean {
  let iam = iamActions.get(action);
  if (iam === undefined) {
    iam = KMS_ACTIONS[action.replace(/^kms:/i, '')]?.effectiveIn === 'IAM';
    if (iamActions.size >= CACHE_LIMIT) iamActions.clear();
    iamActions.set(action, iam);
  }
  return iam;
}

export function createPolicyAuthorizer(options: PolicyAuthorizerOptions = {}): Authorizer {
  // Key policies change rarely and requests are many: keep parsed policies by their text.
  const cache = new Map<string, PolicyModel | undefined>();
  const modelOf = (text: string) => {
    if (!cache.has(text)) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(text, policyModel(text));
    }
    return cache.get(text);
  };
  return {
    authorize({ caller, action, key, conditions, grantTokens }): AuthorizationDecision {
      if (!key || decidedByIam(action)) return { allowed: true, decidedBy: { kind: 'default' } };
      const { onDeny } = options;
      const denied = onDeny && ((request: EvaluationRequest) => onDeny({ request, policy: key.policy, grants: key.grants.map((g) => ({ ...g })) }));
      const result = evaluateCaller(modelOf(key.policy), key.grants, { caller, action, keyArn: key.arn, context: conditions, grantTokens }, options, denied);
      return { allowed: result.allowed, ...(result.decidedBy ? { decidedBy: result.decidedBy } : {}), ...(result.reason ? { reason: result.reason } : {}) };
    },
  };
}
