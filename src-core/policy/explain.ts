/**
 * "Who can use this key, for what": the key policy and grants as a list the UI can show, one entry per
 * statement or grant, with actions expanded to KMS action names and conditions spelled out.
 */
import type { GrantRecord } from '../kms/state';
import { statementActions } from './checks-elements';
import type { DecidedBy } from './evaluate';
import { policyModel } from './evaluate';
import type { PolicyModel, StatementModel } from './model';
import { parseAwsPrincipal } from './principals';

export interface AccessEntry {
  source: DecidedBy;
  effect: 'Allow' | 'Deny';
  /** Who the entry applies to, each described in words (e.g. "every principal of account 111122223333"). */
  principals: string[];
  /** True when the entry applies to everyone except `principals` (NotPrincipal). */
  exceptPrincipals: boolean;
  /** KMS action names without the prefix, e.g. "Decrypt". */
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
    actions: [...statementActions(st)],
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
