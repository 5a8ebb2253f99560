/**
 * "Who can use this key, for what": the key policy and grants as a list the UI can show, one entry per
 * statement or grant, with actions expanded to KMS action names and conditions spelled out.
 */
import type { GrantRecord } from '../kms/state';
import { statementActions } from './checks-elements';
import { KMS_ACTIONS } from './data';
import {
  decide, evaluationOf, policyModel, type AccessDecision, type DecidedBy, type Decision, type DecidingStatement, type Evaluation, type EvaluationOptions, type EvaluationRequest,
  type TraceEntry,
} from './evaluate';
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
  line?: number;
  effect?: 'Allow' | 'Deny';
  applies: boolean;
  /** It applies, but only through an account: the principal's IAM policies decide. */
  throughIam?: boolean;
  /** Why it does not apply, in words (e.g. "the principal does not match"). */
  because?: string;
  /** The request's side of it (e.g. "the request has no kms:ViaService (wanted StringEquals …)"). */
  detail?: string;
}

export interface DecisionExplanation extends Evaluation {
  decision: Decision;
  /** One sentence for the UI, e.g. 'Denied: statement "Deny outside" explicitly denies kms:Decrypt.' */
  summary: string;
  /** What each statement made of the request, in policy order. */
  statements: StatementTrace[];
  /** The deciding statements (AccessDecision's `statements`) and grant. */
  deciding: DecidingStatement[];
  grant: string | null;
  trace: TraceEntry[];
}

/** "statement "Sid"" or "statement 3" (1-based, as people count). */
export function statementName(index: number, sid: string | undefined): string {
  return sid ? `statement "${sid}"` : `statement ${index + 1}`;
}

function summaryOf(d: AccessDecision, req: EvaluationRequest): string {
  const first = d.statements[0];
  switch (d.decision) {
    case 'explicit-deny': return `Denied: ${statementName(first.index, first.sid)} explicitly denies ${req.action}.`;
    case 'allow': return first ? `Allowed by ${statementName(first.index, first.sid)}.` : `Allowed by grant ${d.grant}.`;
    case 'iam': {
      const rule = d.trace.find((t) => t.kind === 'rule');
      if (rule) return `Decided by IAM policies: ${rule.because}.`;
      const by = first ? statementName(first.index, first.sid) : `grant ${d.grant}`;
      return `Allowed by the key policy only through the account (${by}): the IAM policies of ${req.principal} decide.`;
    }
    case 'implicit-deny': {
      const rule = d.trace.find((t) => t.kind === 'rule');
      if (rule) return `Denied: ${rule.because}.`;
      return `Denied: no statement of the key policy and no grant allows ${req.action} for ${req.principal}.`;
    }
  }
}

/** "Why was this call denied (or allowed)": the decision, a sentence, and what each statement made of the request. */
export function explainDecision(policy: string | PolicyModel, grants: readonly GrantRecord[], req: EvaluationRequest, options: EvaluationOptions = {}): DecisionExplanation {
  const d = decide(policy, grants, req, options);
  const statements = d.trace.flatMap((t): StatementTrace[] => (t.kind === 'statement' ? [(({ kind: _, ...rest }) => rest)(t)] : []));
  const summary = summaryOf(d, req);
  return { ...evaluationOf(d), decision: d.decision, summary, statements, deciding: d.statements, grant: d.grant, trace: d.trace };
}

/** The trace as lines of text: each statement and grant, whether it applies, and why not. */
export function traceLines(trace: readonly TraceEntry[]): string[] {
  return trace.map((t) => {
    if (t.kind === 'rule') return `- ${t.because}`;
    const what = t.kind === 'grant' ? `grant ${t.grantId}` : `${statementName(t.index, t.sid)}${t.line ? ` (line ${t.line})` : ''}${t.effect ? ` ${t.effect}` : ''}`;
    if (t.applies) return `- ${what}: applies${t.throughIam ? ', through the account: IAM policies decide' : ''}`;
    const detail = t.kind === 'statement' && t.detail ? `: ${t.detail}` : '';
    return `- ${what}: does not apply, because ${t.because}${detail}`;
  });
}
