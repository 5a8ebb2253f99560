/**
 * The key-policy evaluator: given the policy, the key's grants and one request, answers Allow or Deny
 * with AWS's rules and names what decided.
 *
 * Order (AWS's policy evaluation logic for a KMS key): an applicable Deny statement denies
 * (explicit deny wins over everything); otherwise an applicable Allow statement allows; otherwise a
 * grant for the operation allows; otherwise the request is denied because nothing allows it.
 *
 * Account principals: a statement naming an account (`arn:aws:iam::111122223333:root` or
 * `111122223333`) delegates to that account's IAM policies. The local KMS has no IAM policies, so by
 * default such a statement applies to every principal of that account (`accountPrincipals:
 * 'every-principal'`): the default key policy then behaves as if IAM allowed everyone, while a policy that
 * names only specific users or roles is enforced exactly.
 *
 * Grants: local grants take effect at once (AWS's are eventually consistent), so grant tokens add
 * nothing beyond what the grants already allow; they are accepted and ignored.
 */
import type { Caller, ConditionValues } from '../kms/context';
import type { GrantRecord } from '../kms/state';
import { conditionHolds, requestValues, type RequestValues } from './conditions';
import { KMS_ACTIONS, keySupportsAction, lookupConditionKey } from './data';
import { arnMatch, wildcardMatch } from './match';
import { buildModel, type ConditionRef, type PolicyModel, type PrincipalRef, type StatementModel } from './model';
import { parseAwsPrincipal } from './principals';
import { parseJson } from './tree';

export interface EvaluationRequest {
  /** The caller: an IAM principal ARN (user, role, assumed-role session, account root) or a service principal name. */
  principal: string;
  /** The caller's account; absent for service principals. */
  accountId?: string;
  /** IAM action, e.g. `kms:Decrypt`. */
  action: string;
  keyArn: string;
  /** Condition values of the request (encryption context, via-service, source IP, principal tags…), any key case. */
  context?: ConditionValues;
  grantTokens?: string[];
}

export interface EvaluationOptions {
  /** What a statement naming an account matches: every principal of it (default, no IAM locally) or only its root user. */
  accountPrincipals?: 'every-principal' | 'root-only';
}

export type DecidedBy = { kind: 'policy'; sid?: string; index: number; effect: 'Allow' | 'Deny' } | { kind: 'grant'; grantId: string };

export interface Evaluation {
  allowed: boolean;
  decidedBy?: DecidedBy;
  reason?: 'explicit-deny' | 'no-allow';
}

/** Condition values AWS derives from the caller itself (the request's own values override them). */
export function principalContext(principal: string, accountId: string | undefined): ConditionValues {
  const p = parseAwsPrincipal(principal);
  if (!p || !accountId) return { 'aws:PrincipalIsAWSService': !p && !principal.startsWith('arn:'), 'aws:PrincipalServiceName': p ? undefined : principal };
  const out: ConditionValues = { 'kms:CallerAccount': accountId, 'aws:PrincipalAccount': accountId, 'aws:PrincipalArn': principal, 'aws:PrincipalIsAWSService': false };
  if (p.kind === 'account') out['aws:PrincipalType'] = 'Account';
  if (p.kind === 'user') Object.assign(out, { 'aws:PrincipalType': 'User', 'aws:username': p.name });
  if (p.kind === 'federated-user') out['aws:PrincipalType'] = 'FederatedUser';
  // aws:PrincipalArn of a session is its role's ARN (the path is not in the session ARN; assume none).
  if (p.kind === 'assumed-role') Object.assign(out, { 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalArn': `arn:${p.partition}:iam::${p.accountId}:role/${p.role}` });
  return out;
}

/** The request an engine Caller makes, with the condition values the caller implies. */
export function requestFromCaller(caller: Caller, action: string, keyArn: string, context: ConditionValues = {}, grantTokens?: string[]): EvaluationRequest {
  const implied: ConditionValues = {
    'aws:SourceIp': caller.sourceIp,
    'aws:UserAgent': caller.userAgent,
    'aws:RequestedRegion': caller.region,
    'kms:ViaService': caller.viaService,
    'aws:ViaAWSService': caller.viaService !== undefined,
  };
  return { principal: caller.principal, accountId: caller.accountId, action, keyArn, context: { ...implied, ...context }, grantTokens };
}

/** Does one principal entry of a statement name this caller? */
export function principalMatches(ref: Pick<PrincipalRef, 'type' | 'value'>, req: Pick<EvaluationRequest, 'principal' | 'accountId'>, options: EvaluationOptions = {}): boolean {
  if (ref.type === '*') return ref.value === '*';
  if (ref.type === 'Service') return ref.value.toLowerCase() === req.principal.toLowerCase();
  if (ref.type !== 'AWS') return false;
  const named = parseAwsPrincipal(ref.value);
  const caller = parseAwsPrincipal(req.principal);
  if (!named) return false;
  if (named.kind === 'everyone') return true;
  if (!caller || !req.accountId) return false;
  if (named.kind === 'account') {
    if (named.accountId !== req.accountId) return false;
    return options.accountPrincipals === 'root-only' ? caller.kind === 'account' : true;
  }
  if (named.kind === 'role' && caller.kind === 'assumed-role') return caller.accountId === named.accountId && caller.role === named.name;
  return ref.value === req.principal;
}

/**
 * NotPrincipal exempts a caller only when it lists every identity AWS evaluates for the request: an
 * IAM user and its account; an assumed-role session, its role and its account. (This is why a Deny with
 * NotPrincipal naming only a role still denies that role's sessions.)
 */
function exemptedByNotPrincipal(st: StatementModel, req: EvaluationRequest): boolean {
  const listed = (pred: (named: ReturnType<typeof parseAwsPrincipal>, value: string) => boolean) =>
    st.principals.some((p) => (p.type === 'AWS' || p.type === '*') && pred(parseAwsPrincipal(p.value), p.value));
  if (listed((n) => n?.kind === 'everyone')) return true;
  const caller = parseAwsPrincipal(req.principal);
  if (!caller || !req.accountId) return st.principals.some((p) => p.type === 'Service' && p.value.toLowerCase() === req.principal.toLowerCase());
  const account = listed((n) => n?.kind === 'account' && n.accountId === req.accountId);
  if (caller.kind === 'account') return account;
  const self = listed((_, value) => value === req.principal);
  if (caller.kind !== 'assumed-role') return self && account;
  const role = listed((n) => n?.kind === 'role' && n.accountId === caller.accountId && n.name === caller.role);
  return self && role && account;
}

function statementPrincipalMatches(st: StatementModel, req: EvaluationRequest, options: EvaluationOptions): boolean {
  if (st.notPrincipal) return !exemptedByNotPrincipal(st, req);
  return st.principals.some((p) => principalMatches(p, req, options));
}

function actionMatches(st: StatementModel, action: string): boolean {
  const hit = st.actions.some((a) => a.value === '*' || wildcardMatch(a.value, action, true));
  return st.notAction ? !hit : hit;
}

function resourceMatches(st: StatementModel, keyArn: string, values: RequestValues, variables: boolean): boolean {
  const lookup = (name: string) => values.get(name.toLowerCase())?.[0];
  const hit = st.resources.some((r) => r.value === '*' || arnMatch(r.value, keyArn, lookup, variables));
  return st.notResource ? !hit : hit;
}

/** Why a statement does not apply to a request: the first element that does not match, in evaluation order. */
export type Mismatch = { part: 'effect' | 'principal' | 'action' | 'resource' } | { part: 'condition'; condition: ConditionRef };

export function statementMismatch(st: StatementModel, req: EvaluationRequest, values: RequestValues, variables: boolean, options: EvaluationOptions = {}): Mismatch | undefined {
  if (!st.effect) return { part: 'effect' };
  if (!statementPrincipalMatches(st, req, options)) return { part: 'principal' };
  if (!actionMatches(st, req.action)) return { part: 'action' };
  if (!resourceMatches(st, req.keyArn, values, variables)) return { part: 'resource' };
  const failed = st.conditions.find((c) => !conditionHolds(c, values, variables));
  return failed ? { part: 'condition', condition: failed } : undefined;
}

/** Does the statement apply to the request (principal, action, resource and every condition)? */
export function statementApplies(st: StatementModel, req: EvaluationRequest, values: RequestValues, variables: boolean, options: EvaluationOptions = {}): boolean {
  return statementMismatch(st, req, values, variables, options) === undefined;
}

/** The condition values a request is evaluated with: the caller's own plus the request's. */
export function valuesOf(req: EvaluationRequest): RequestValues {
  return requestValues(principalContext(req.principal, req.accountId), req.context ?? {});
}

const EC_PREFIX = 'kms:encryptioncontext:';

/** The request's encryption context, from its `kms:EncryptionContext:<key>` values (key case preserved). */
function encryptionContextOf(context: ConditionValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase().startsWith(EC_PREFIX) && typeof v === 'string') out[k.slice(EC_PREFIX.length)] = v;
  }
  return out;
}

const EC_KEY = lookupConditionKey('kms:EncryptionContextKeys')!;

function grantAllows(grant: GrantRecord, req: EvaluationRequest, options: EvaluationOptions): boolean {
  const operation = req.action.replace(/^kms:/i, '');
  if (!grant.operations.includes(operation)) return false;
  const grantee = grant.granteePrincipal
    ? principalMatches({ type: 'AWS', value: grant.granteePrincipal }, req, options)
    : grant.granteeServicePrincipal !== undefined && grant.granteeServicePrincipal.toLowerCase() === req.principal.toLowerCase();
  if (!grantee) return false;
  const c = grant.constraints;
  if (!c) return true;
  const context = req.context ?? {};
  if (c.SourceArn !== undefined) {
    const src = Object.entries(context).find(([k]) => k.toLowerCase() === 'aws:sourcearn')?.[1];
    if (src !== c.SourceArn) return false;
  }
  // Encryption-context constraints bind only operations that take an encryption context.
  if (!keySupportsAction(EC_KEY, operation)) return true;
  const ec = encryptionContextOf(context);
  if (c.EncryptionContextEquals) {
    const want = Object.entries(c.EncryptionContextEquals);
    if (want.length !== Object.keys(ec).length || !want.every(([k, v]) => ec[k] === v)) return false;
  }
  if (c.EncryptionContextSubset && !Object.entries(c.EncryptionContextSubset).every(([k, v]) => ec[k] === v)) return false;
  return true;
}

function decidedByStatement(st: StatementModel): DecidedBy {
  return { kind: 'policy', index: st.index, effect: st.effect!, ...(st.sid ? { sid: st.sid.value } : {}) };
}

/** Parses policy text for evaluation; undefined when it is not valid JSON (nothing is then allowed by it). */
export function policyModel(policy: string): PolicyModel | undefined {
  const { root, problems } = parseJson(policy);
  return root && problems.length === 0 ? buildModel(root) : undefined;
}

/** Evaluates one request against a key policy and the key's grants. */
export function evaluate(policy: PolicyModel | string | undefined, grants: readonly GrantRecord[], req: EvaluationRequest, options: EvaluationOptions = {}): Evaluation {
  const model = typeof policy === 'string' ? policyModel(policy) : policy;
  const values = valuesOf(req);
  const variables = model?.version === '2012-10-17';
  const applicable = model ? model.statements.filter((st) => statementApplies(st, req, values, variables, options)) : [];
  const deny = applicable.find((st) => st.effect === 'Deny');
  if (deny) return { allowed: false, decidedBy: decidedByStatement(deny), reason: 'explicit-deny' };
  const allow = applicable.find((st) => st.effect === 'Allow');
  if (allow) return { allowed: true, decidedBy: decidedByStatement(allow) };
  const grant = KMS_ACTIONS[req.action.replace(/^kms:/i, '')] ? grants.find((g) => grantAllows(g, req, options)) : undefined;
  if (grant) return { allowed: true, decidedBy: { kind: 'grant', grantId: grant.grantId } };
  return { allowed: false, reason: 'no-allow' };
}
