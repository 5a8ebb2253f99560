/**
 * The key-policy evaluator: given the policy, the key's grants and one request, decides it with AWS's
 * rules for KMS keys and names what decided (`decide`), and answers Allow or Deny for the engine
 * (`evaluate`).
 *
 * Order (AWS's policy evaluation logic for a KMS key): an applicable Deny statement denies
 * (explicit deny wins over everything); otherwise an applicable Allow statement or a grant for the
 * operation allows; otherwise the request is denied because nothing allows it.
 *
 * Account principals: a statement naming an account (`arn:aws:iam::111122223333:root` or
 * `111122223333`) delegates to that account's IAM policies, and a principal of another account always
 * needs its own IAM policy too: `decide` answers `iam` for both. The local KMS has no IAM policies, so
 * `evaluate` allows what IAM would decide (by default such a statement applies to every principal of the
 * account, `accountPrincipals: 'every-principal'`): the default key policy then behaves as if IAM allowed
 * everyone, while a policy that names only specific users or roles is enforced exactly.
 *
 * Grants: local grants take effect at once (AWS's are eventually consistent), so grant tokens add
 * nothing beyond what the grants already allow; they are accepted and ignored.
 */
import { accountOfKeyArn } from '../ids/identifiers';
import type { Caller, ConditionValues } from '../kms/operation-context';
import type { GrantRecord } from '../kms/state';
import { conditionHolds, requestValues, type RequestValues } from './conditions';
import { KMS_ACTION_NAMES, KMS_ACTIONS, keySupportsAction, lookupConditionKey } from './data';
import { arnMatch, wildcardMatch } from './match';
import { buildModel, type ConditionRef, type PolicyModel, type PrincipalRef, type StatementModel } from './model';
import { parseAwsPrincipal as parsePrincipalText, type AwsPrincipal } from './principals';
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

/**
 * Every request parses the caller and each principal a statement names; the same few strings come
 * back on every call, so their parses are kept (read-only, bounded: a long tail starts it afresh).
 */
const principalParses = new Map<string, AwsPrincipal | undefined>();
const PARSES_KEPT = 1024;

function parseAwsPrincipal(text: string): AwsPrincipal | undefined {
  let parsed = principalParses.get(text);
  if (parsed === undefined && !principalParses.has(text)) {
    parsed = parsePrincipalText(text);
    if (principalParses.size >= PARSES_KEPT) principalParses.clear();
    principalParses.set(text, parsed);
  }
  return parsed;
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
  return { principal: caller.principal, accountId: caller.accountId, action, keyArn, context: { ...impliedBy(caller), ...context }, grantTokens };
}

function impliedBy(caller: Caller): ConditionValues {
  return {
    'aws:SourceIp': caller.sourceIp,
    'aws:UserAgent': caller.userAgent,
    'aws:RequestedRegion': caller.region,
    'kms:ViaService': caller.viaService,
    'aws:ViaAWSService': caller.viaService !== undefined,
  };
}

/** The caller's own condition values, normalised as `requestValues` does, by principal and account. */
const callerEntries = new Map<string, [string, string[]][]>();

function callerValueEntries(principal: string, accountId: string | undefined): [string, string[]][] {
  const id = `${principal}\n${accountId ?? ''}`;
  let entries = callerEntries.get(id);
  if (!entries) {
    entries = [...requestValues(principalContext(principal, accountId))];
    if (callerEntries.size >= PARSES_KEPT) callerEntries.clear();
    callerEntries.set(id, entries);
  }
  return entries;
}

/** Condition key names in lower case: request contexts repeat the same few names. */
const lowerNames = new Map<string, string>();

function lowerName(name: string): string {
  let lower = lowerNames.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowerNames.size >= PARSES_KEPT) lowerNames.clear();
    lowerNames.set(name, lower);
  }
  return lower;
}

function putValue(values: RequestValues, name: string, v: ConditionValues[string]): void {
  if (v === undefined) return;
  values.set(lowerName(name), Array.isArray(v) ? v.map(String) : [String(v)]);
}

/**
 * The values `valuesOf(requestFromCaller(caller, …, context))` holds, built without merging the
 * caller's values and the request's into new objects first (this runs on every request).
 */
function callerValues(caller: Caller, context: ConditionValues): RequestValues {
  const values: RequestValues = new Map(callerValueEntries(caller.principal, caller.accountId));
  const implied = impliedBy(caller);
  // In the order of the spread `{ ...implied, ...context }`: a request value under an implied name takes
  // the implied one's place (even when it is undefined), the request's other names follow.
  for (const name in implied) putValue(values, name, Object.hasOwn(context, name) ? context[name] : implied[name]);
  for (const name of Object.keys(context)) if (!Object.hasOwn(implied, name)) putValue(values, name, context[name]);
  return values;
}

/**
 * The engine's decision on a caller's request: `evaluate(model, grants, requestFromCaller(…))`, computed
 * without the explanation (trace) and with the request's condition values built once. The full request
 * is built only when a grant needs the request's context or when `denied` is told of a refusal.
 */
export function evaluateCaller(
  model: PolicyModel | undefined,
  grants: readonly GrantRecord[],
  call: { caller: Caller; action: string; keyArn: string; context?: ConditionValues; grantTokens?: string[] },
  options: EvaluationOptions = {},
  denied?: (request: EvaluationRequest) => void,
): Evaluation {
  const context = call.context ?? {};
  const full = () => requestFromCaller(call.caller, call.action, call.keyArn, context, call.grantTokens);
  const req: EvaluationRequest = grants.length
    ? full()
    : { principal: call.caller.principal, accountId: call.caller.accountId, action: call.action, keyArn: call.keyArn, grantTokens: call.grantTokens };
  const result = evaluationOf(decideWith(model, undefined, grants, req, options, () => callerValues(call.caller, context), false));
  if (!result.allowed && denied) denied(grants.length ? req : full());
  return result;
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
  const hit = st.resources.some((r) => r.value === '*' || arnMatch(r.value, keyArn, (name) => values.get(name.toLowerCase())?.[0], variables));
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

/**
 * What AWS makes of a request on a key, in the four outcomes that matter to whoever asks:
 * - `allow`: the key policy or a grant alone lets the principal do it;
 * - `iam`: the key policy lets it only through an account (the account's root ARN, or any principal of
 *   another account, which always also needs its own IAM policy): the principal's IAM policies decide;
 * - `explicit-deny`: a Deny statement applies (it wins over everything);
 * - `implicit-deny`: nothing allows it.
 */
export type Decision = 'allow' | 'iam' | 'explicit-deny' | 'implicit-deny';

export interface DecidingStatement {
  index: number;
  sid?: string;
  /** 1-based line of the statement in the policy text (absent when evaluated from a parsed model only). */
  line?: number;
}

/** One step of the evaluation as the user reads it: a statement, a grant, or a rule of KMS itself. */
export type TraceEntry =
  | { kind: 'statement'; index: number; sid?: string; line?: number; effect?: 'Allow' | 'Deny'; applies: boolean; throughIam?: boolean; because?: string; detail?: string }
  | { kind: 'grant'; grantId: string; applies: boolean; throughIam?: boolean; because?: string }
  | { kind: 'rule'; because: string };

export interface AccessDecision {
  decision: Decision;
  /** The deciding statements: the Deny statements that apply, or the Allow statements that allow. */
  statements: DecidingStatement[];
  /** The grant that allows, when no statement does on its own. */
  grant: string | null;
  trace: TraceEntry[];
}

/** The KMS action of a request, by its name in any case (`kms:decrypt` → `Decrypt`). */
function actionName(action: string): string {
  let name = actionNames.get(action);
  if (name === undefined) {
    const bare = action.replace(/^kms:/i, '');
    name = KMS_ACTION_NAMES.find((a) => a.toLowerCase() === bare.toLowerCase()) ?? bare;
    if (actionNames.size >= PARSES_KEPT) actionNames.clear();
    actionNames.set(action, name);
  }
  return name;
}

const actionNames = new Map<string, string>();

/** A caller of another account than the key's: whatever the key policy says, its own IAM policies must allow too. */
function isCrossAccount(req: EvaluationRequest): boolean {
  const keyAccount = accountOfKeyArn(req.keyArn);
  return req.accountId !== undefined && keyAccount !== undefined && req.accountId !== keyAccount;
}

/**
 * How a statement (already known to apply) reaches the caller: directly (it names the caller, its role,
 * `*`, or everyone but an exempted list) or only through an account, whose IAM policies then decide.
 */
function reachesDirectly(st: StatementModel, req: EvaluationRequest, options: EvaluationOptions): boolean {
  if (isCrossAccount(req)) return false;
  if (st.notPrincipal) return true;
  const caller = parseAwsPrincipal(req.principal);
  return st.principals.some((p) => {
    if (!principalMatches(p, req, options)) return false;
    const named = p.type === 'AWS' ? parseAwsPrincipal(p.value) : undefined;
    return named?.kind !== 'account' || caller?.kind === 'account';
  });
}

function lineAt(text: string | undefined, offset: number): number | undefined {
  if (text === undefined) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const listed = (values: readonly { value: string }[]) => values.map((v) => v.value).join(', ') || 'nothing';

/** Why a statement does not apply, and the request's side of it, in words. */
function mismatchWords(st: StatementModel, miss: Mismatch, req: EvaluationRequest, values: RequestValues): { because: string; detail?: string } {
  switch (miss.part) {
    case 'effect': return { because: 'it has no valid Effect' };
    case 'principal': return {
      because: 'the principal does not match',
      detail: st.notPrincipal ? `it exempts ${listed(st.principals)}` : `it names ${listed(st.principals)}, not ${req.principal}`,
    };
    case 'action': return { because: 'the action does not match', detail: st.notAction ? `it excludes ${listed(st.actions)}` : `it covers ${listed(st.actions)}, not ${req.action}` };
    case 'resource': return { because: 'the resource does not match', detail: `it ${st.notResource ? 'excludes' : 'covers'} ${listed(st.resources)}, not ${req.keyArn}` };
    case 'condition': {
      const c = miss.condition;
      const got = values.get(c.key.toLowerCase());
      const want = `${c.operator} ${c.values.map((v) => JSON.stringify(v.value)).join(' or ')}`;
      return {
        because: `the condition ${c.operator} ${c.key} is not met`,
        detail: got === undefined ? `the request has no ${c.key} (wanted ${want})` : `${c.key} is ${got.map((v) => JSON.stringify(v)).join(', ')} (wanted ${want})`,
      };
    }
  }
}

/** The encryption context of a request, from its `kms:EncryptionContext:<key>` values, keys in lower case. */
function encryptionContextOf(context: ConditionValues): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase().startsWith(EC_PREFIX) && typeof v === 'string') out.set(k.slice(EC_PREFIX.length).toLowerCase(), v);
  }
  return out;
}

const EC_PREFIX = 'kms:encryptioncontext:';
const EC_KEY = lookupConditionKey('kms:EncryptionContextKeys')!;
const pairs = (ec: Record<string, string>) => Object.entries(ec).map(([k, v]) => `${k}=${v}`).join(', ');

/**
 * Why a grant does not allow the request, or undefined when it does. Encryption-context constraints
 * bind only operations that take an encryption context; in them the key is case-insensitive and the
 * value case-sensitive (GrantConstraints, AWS KMS API Reference).
 */
function grantMismatch(grant: GrantRecord, req: EvaluationRequest, operation: string, options: EvaluationOptions): string | undefined {
  if (!grant.operations.includes(operation)) return `it allows ${grant.operations.join(', ')}, not ${operation}`;
  const grantee = grant.granteePrincipal
    ? principalMatches({ type: 'AWS', value: grant.granteePrincipal }, req, options)
    : grant.granteeServicePrincipal !== undefined && grant.granteeServicePrincipal.toLowerCase() === req.principal.toLowerCase();
  if (!grantee) return `its grantee is ${grant.granteePrincipal ?? grant.granteeServicePrincipal}, not ${req.principal}`;
  const c = grant.constraints;
  if (!c) return undefined;
  const context = req.context ?? {};
  if (c.SourceArn !== undefined) {
    const src = Object.entries(context).find(([k]) => k.toLowerCase() === 'aws:sourcearn')?.[1];
    if (src !== c.SourceArn) return `it requires the source ARN ${c.SourceArn}`;
  }
  if (!keySupportsAction(EC_KEY, operation)) return undefined;
  const ec = encryptionContextOf(context);
  const has = ([k, v]: [string, string]) => ec.get(k.toLowerCase()) === v;
  if (c.EncryptionContextEquals) {
    const want = Object.entries(c.EncryptionContextEquals);
    if (want.length !== ec.size || !want.every(has)) return `it requires exactly the encryption context ${pairs(c.EncryptionContextEquals)}`;
  }
  if (c.EncryptionContextSubset && !Object.entries(c.EncryptionContextSubset).every(has)) return `it requires the encryption context to include ${pairs(c.EncryptionContextSubset)}`;
  return undefined;
}

/** A grant to an account (its root ARN) reaches the account's other principals only through their IAM policies. */
function grantThroughIam(grant: GrantRecord, req: EvaluationRequest): boolean {
  const named = grant.granteePrincipal ? parseAwsPrincipal(grant.granteePrincipal) : undefined;
  return named?.kind === 'account' && parseAwsPrincipal(req.principal)?.kind !== 'account';
}

/** Parses policy text for evaluation; undefined when it is not valid JSON (nothing is then allowed by it). */
export function policyModel(policy: string): PolicyModel | undefined {
  const { root, problems } = parseJson(policy);
  return root && problems.length === 0 ? buildModel(root) : undefined;
}

/**
 * Decides one request against a key policy and the key's grants, with AWS's evaluation logic for KMS
 * keys: an applicable Deny wins; then an Allow that reaches the caller directly or a grant allows; then
 * an Allow that reaches it only through an account leaves it to IAM; otherwise nothing allows it.
 * Account-level actions (CreateKey, ListKeys…) are decided by IAM alone, and actions KMS does not
 * offer across accounts are refused to another account's principals whatever the policy says.
 */
export function decide(policy: PolicyModel | string | undefined, grants: readonly GrantRecord[], req: EvaluationRequest, options: EvaluationOptions = {}): AccessDecision {
  const text = typeof policy === 'string' ? policy : undefined;
  return decideWith(typeof policy === 'string' ? policyModel(policy) : policy, text, grants, req, options, () => valuesOf(req), true);
}

/**
 * `decide` with the request's condition values given, and without the trace when `traced` is false
 * (the engine's path: it needs the decision and the first deciding statement or grant only, so it stops
 * at the first applicable Deny and skips the grants once a statement allows directly).
 */
function decideWith(model: PolicyModel | undefined, text: string | undefined, grants: readonly GrantRecord[], req: EvaluationRequest, options: EvaluationOptions, valuesFor: () => RequestValues, traced: boolean): AccessDecision {
  const operation = actionName(req.action);
  const info = KMS_ACTIONS[operation];
  if (info?.effectiveIn === 'IAM') {
    return { decision: 'iam', statements: [], grant: null, trace: [{ kind: 'rule', because: `kms:${operation} is an account-level action: only IAM policies can allow it, a key policy does not apply` }] };
  }
  if (info && !info.crossAccount && isCrossAccount(req)) {
    return { decision: 'implicit-deny', statements: [], grant: null, trace: [{ kind: 'rule', because: `kms:${operation} cannot be used on a KMS key in another AWS account` }] };
  }
  const values = valuesFor();
  const variables = model?.version === '2012-10-17';
  const trace: TraceEntry[] = [];
  if (text !== undefined && !model) trace.push({ kind: 'rule', because: 'the key policy is not valid JSON: no statement applies' });
  const denies: DecidingStatement[] = [];
  const direct: DecidingStatement[] = [];
  const throughIam: DecidingStatement[] = [];
  for (const st of model?.statements ?? []) {
    const miss = statementMismatch(st, req, values, variables, options);
    if (miss && !traced) continue;
    const at: DecidingStatement = { index: st.index, ...(st.sid ? { sid: st.sid.value } : {}), ...(text !== undefined ? { line: lineAt(text, st.node.offset) } : {}) };
    const viaIam = !miss && st.effect === 'Allow' && !reachesDirectly(st, req, options);
    if (!miss) (st.effect === 'Deny' ? denies : viaIam ? throughIam : direct).push(at);
    if (!traced && denies.length) return { decision: 'explicit-deny', statements: denies, grant: null, trace };
    if (traced) trace.push({ kind: 'statement', ...at, ...(st.effect ? { effect: st.effect } : {}), applies: !miss, ...(viaIam ? { throughIam: true } : {}), ...(miss ? mismatchWords(st, miss, req, values) : {}) });
  }
  if (!traced && direct.length) return { decision: 'allow', statements: direct, grant: null, trace };
  let grant: GrantRecord | undefined;
  let grantViaIam: GrantRecord | undefined;
  for (const g of grants) {
    const because = grantMismatch(g, req, operation, options);
    const viaIam = !because && grantThroughIam(g, req);
    if (!because && !viaIam) grant ??= g;
    if (viaIam) grantViaIam ??= g;
    if (traced) trace.push({ kind: 'grant', grantId: g.grantId, applies: !because, ...(viaIam ? { throughIam: true } : {}), ...(because ? { because } : {}) });
  }
  if (denies.length) return { decision: 'explicit-deny', statements: denies, grant: null, trace };
  if (direct.length) return { decision: 'allow', statements: direct, grant: null, trace };
  if (grant) return { decision: 'allow', statements: [], grant: grant.grantId, trace };
  if (throughIam.length) return { decision: 'iam', statements: throughIam, grant: null, trace };
  if (grantViaIam) return { decision: 'iam', statements: [], grant: grantViaIam.grantId, trace };
  return { decision: 'implicit-deny', statements: [], grant: null, trace };
}

/** Allow or Deny, for the engine: with no IAM locally, what IAM would decide is allowed (see the header). */
export function evaluate(policy: PolicyModel | string | undefined, grants: readonly GrantRecord[], req: EvaluationRequest, options: EvaluationOptions = {}): Evaluation {
  return evaluationOf(decide(policy, grants, req, options));
}

/** The engine's Allow or Deny for a decision (`iam` is allowed: there are no IAM policies locally). */
export function evaluationOf(d: AccessDecision): Evaluation {
  if (d.decision === 'explicit-deny') return { allowed: false, decidedBy: decidedByStatement(d.statements[0], 'Deny'), reason: 'explicit-deny' };
  if (d.decision === 'implicit-deny') return { allowed: false, reason: 'no-allow' };
  if (d.statements.length) return { allowed: true, decidedBy: decidedByStatement(d.statements[0], 'Allow') };
  return d.grant ? { allowed: true, decidedBy: { kind: 'grant', grantId: d.grant } } : { allowed: true };
}

function decidedByStatement(st: DecidingStatement, effect: 'Allow' | 'Deny'): DecidedBy {
  return { kind: 'policy', index: st.index, effect, ...(st.sid !== undefined ? { sid: st.sid } : {}) };
}
