/**
 * "Who can use this key, for what": the key policy and grants as a list the UI can show, one entry per
 * statement or grant, with actions expanded to KMS action names and conditions spelled out.
 */
import type { GrantRecord } from '../kms/state';
import { statementActions } from './checks-elements';
import { KMS_ACTIONS } from './data';
import { evaluate, policyModel, statementMismatch, valuesOf, type DecidedBy, type Evaluation, type EvaluationOptions, type EvaluationRequest } from './evaluate';
import type { PolicyModel, StatementModel } from './model';
import { parseAwsPrincipal } from './principals';

export interface AccessEntry {
  source: DecidedBy;
  effect: 'Allow' | 'Deny';
  /** Who the entry applies to, each described in words (e.g. "every principal of account 111122223333"). */
  principals: string[];
  /** True when the entry applies to everyone except `principals` (NotPrincipal). */
  exceptPrincipals: boolean;
  /** KMS action names without the prefix, e.g. "Decrypt": those a key policy or grant decides. */
  actions: string[];
  /** Conditions in words, all of which must hold, e.g. "kms:CallerAccount StringEquals 111122223333". */
  conditions: string[];
}

function describePrincipal(type: string, value: string): string {
  if (type === 'Service') return `the service ${value}`;
  const p = parseAwsPrincipal(value);
  if (p?.kind === 'everyone') return 'everyone (any AWS account)';
  if (p?.kind === 'account') return `every principal of account ${p.accountId} (as its IAM policies allow)`;
  return value;
}

function fromStatement(st: StatementModel): AccessEntry | undefined {
  if (!st.effect) return undefined;
  return {
    source: { kind: 'policy', index: st.index, effect: st.effect, ...(st.sid ? { sid: st.sid.value } : {}) },
    effect: st.effect,
    principals: st.principals.map((p) => describePrincipal(p.type, p.value)),
    exceptPrincipals: st.notPrincipal,
    // Only what the key policy decides: account-level, grant-decided and service-only actions are left out.
    actions: statementActions(st).filter((a) => KMS_ACTIONS[a].effectiveIn === 'KP'),
    conditions: st.conditions.map((c) => `${c.key} ${c.operator} ${c.values.map((v) => v.value).join(' or ')}`),
  };
}

function fromGrant(g: GrantRecord): AccessEntry {
  const constraints: string[] = [];
  for (const [k, v] of Object.entries(g.constraints?.EncryptionContextEquals ?? {})) constraints.push(`encryption context ${k} = ${v} (exactly this context)`);
  for (const [k, v] of Object.entries(g.constraints?.EncryptionContextSubset ?? {})) constraints.push(`encryption context includes ${k} = ${v}`);
  if (g.constraints?.SourceArn) constraints.push(`source ARN ${g.constraints.SourceArn}`);
  return {
    source: { kind: 'grant', grantId: g.grantId },
    effect: 'Allow',
    principals: [g.granteePrincipal ? describePrincipal('AWS', g.granteePrincipal) : describePrincipal('Service', g.granteeServicePrincipal ?? '')],
    exceptPrincipals: false,
    actions: [...g.operations],
    conditions: constraints,
  };
}

/** Every statement and grant of a key, as who-can-do-what entries (statements first, in policy order). */
export function explainAccess(policy: string | PolicyModel, grants: readonly GrantRecord[] = []): AccessEntry[] {
  const model = typeof policy === 'string' ? policyModel(policy) : policy;
  const entries = (model?.statements ?? []).map(fromStatement).filter((e): e is AccessEntry => e !== undefined);
  return [...entries, ...grants.map(fromGrant)];
}

export interface StatementTrace {
  index: number;
  sid?: string;
  effect?: 'Allow' | 'Deny';
  applies: boolean;
  /** Why it does not apply, in words (e.g. "the principal does not match"). */
  because?: string;
}

export interface DecisionExplanation extends Evaluation {
  /** One sentence for the UI, e.g. 'Denied: statement "Deny outside" explicitly denies kms:Decrypt.' */
  summary: string;
  statements: StatementTrace[];
}

function statementName(index: number, sid: string | undefined): string {
  return sid ? `statement "${sid}"` : `statement ${index + 1}`;
}

/** "Why was this call denied (or allowed)": the decision, a sentence, and what each statement made of the request. */
export function explainDecision(policy: string | PolicyModel, grants: readonly GrantRecord[], req: EvaluationRequest, options: EvaluationOptions = {}): DecisionExplanation {
  const model = typeof policy === 'string' ? policyModel(policy) : policy;
  const result = evaluate(model, grants, req, options);
  const values = valuesOf(req);
  const variables = model?.version === '2012-10-17';
  const statements = (model?.statements ?? []).map((st): StatementTrace => {
    const miss = statementMismatch(st, req, values, variables, options);
    const because = !miss ? undefined
      : miss.part === 'effect' ? 'it has no valid Effect'
      : miss.part === 'condition' ? `the condition ${miss.condition.operator} ${miss.condition.key} is not met`
      : `the ${miss.part} does not match`;
    return { index: st.index, ...(st.sid ? { sid: st.sid.value } : {}), ...(st.effect ? { effect: st.effect } : {}), applies: !miss, ...(because ? { because } : {}) };
  });
  const by = result.decidedBy;
  const summary = !model && typeof policy === 'string' && !result.allowed
    ? `Denied: the key policy is not valid JSON and no grant allows ${req.action}.`
    : by?.kind === 'grant' ? `Allowed by grant ${by.grantId}.`
      : by?.kind === 'policy' && by.effect === 'Deny' ? `Denied: ${statementName(by.index, by.sid)} explicitly denies ${req.action}.`
        : by?.kind === 'policy' ? `Allowed by ${statementName(by.index, by.sid)}.`
          : `Denied: no statement of the key policy and no grant allows ${req.action} for ${req.principal}.`;
  return { ...result, summary, statements };
}
