/**
 * What the policy means as a whole: who can change it afterwards (lockout), public grants, grants
 * that can be passed on, network denies that break AWS services, cross-account actions that never work.
 */
import { editFix, type CheckContext } from './context';
import type { PolicyValue } from './edits';
import { canonicalAction, KMS_ACTION_NAMES, KMS_ACTIONS, lookupConditionKey } from './data';
import { statementActions } from './checks-elements';
import { statementAnchor } from './checks-structure';
import { keySpan, spanOf, type Finding } from './findings';
import { lockoutRiskFor } from './lockout';
import type { ConditionRef, StatementModel } from './model';
import { accountOfPrincipal, parseAwsPrincipal } from './principals';
import { comparableText, getProp } from './tree';

/** Conditions that restrict WHO the caller is: they turn a "*" principal into a bounded set. */
const IDENTITY_KEYS = new Set([
  'kms:calleraccount', 'aws:principalaccount', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:principalarn', 'aws:userid',
  'aws:username', 'aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceorgpaths', 'aws:principalservicename',
  'aws:sourcevpce', 'aws:sourcevpc', 'aws:sourceip', 'aws:vpcsourceip', 'kms:granteeprincipal',
]);

function narrows(c: ConditionRef): boolean {
  const p = c.parsed;
  if (!p || p.base.negated || p.base.family === 'Null' || p.qualifier === 'ForAllValues') return false;
  return IDENTITY_KEYS.has(c.key.toLowerCase()) && c.values.length > 0 && c.values.every((v) => v.value !== '*');
}

function isEveryone(st: StatementModel): boolean {
  return !st.notPrincipal && st.principals.some((p) => (p.type === '*' || p.type === 'AWS') && p.value === '*');
}

function checkWildcardPrincipal(ctx: CheckContext, st: StatementModel): void {
  // A deploy-time value narrows only under a key about who calls; one under kms:ViaService does not.
  if (st.effect !== 'Allow' || !isEveryone(st) || st.conditions.some(narrows) || st.conditions.some((c) => c.hasDynamic && IDENTITY_KEYS.has(c.key.toLowerCase()))) return;
  const star = st.principals.find((p) => p.value === '*')!;
  const actions = statementActions(st);
  const what = actions.includes('PutKeyPolicy')
    ? 'anyone, in any AWS account, can change this key\'s policy and take the key over'
    : actions.includes('Decrypt') || actions.includes('CreateGrant')
      ? `anyone, in any AWS account, can ${actions.includes('Decrypt') ? 'decrypt with' : 'create grants on'} this key`
      : `anyone, in any AWS account, can call ${actions.slice(0, 3).map((a) => `kms:${a}`).join(', ')}${actions.length > 3 ? '…' : ''} on this key`;
  const viaOnly = st.conditions.some((c) => c.key.toLowerCase() === 'kms:viaservice');
  // Every action to everyone with no condition at all is a public key, not a risk to weigh.
  const open = st.conditions.length === 0 && !st.conditionProp && actions.length === KMS_ACTION_NAMES.length;
  ctx.findings.add('wildcard-principal', open ? 'error' : 'warning', `${what}. Name the principals, or add a condition on who calls (kms:CallerAccount, aws:PrincipalOrgID, aws:PrincipalArn)${viaOnly ? '; kms:ViaService alone lets every account use the key through that service' : ''}.`, spanOf(star.node));
}

/** Conditions a deployer meets as a matter of course (its account/organization, TLS, not bypassing the check). */
const ROUTINE_KEYS = new Set(['kms:calleraccount', 'aws:principalaccount', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:securetransport', 'kms:bypasspolicylockoutsafetycheck']);

function coversPutKeyPolicy(st: StatementModel): boolean {
  return statementActions(st).includes('PutKeyPolicy') && !st.notResource && st.resources.some((r) => r.value === '*');
}

/** An unconditional Deny of PutKeyPolicy that applies to every principal the Allow names. */
function neutralises(deny: StatementModel, allow: StatementModel): boolean {
  if (deny.conditions.length || deny.notPrincipal || !coversPutKeyPolicy(deny)) return false;
  if (isEveryone(deny)) return true;
  const denied = new Set(deny.principals.map((p) => `${p.type}|${p.value}`));
  return !allow.notPrincipal && allow.principals.length > 0 && allow.principals.every((p) => denied.has(`${p.type}|${p.value}`));
}

function lockoutFix(ctx: CheckContext): Finding['fix'] {
  const account = ctx.options.accountIds?.[0];
  const sv = ctx.model.statementProp?.value;
  if (!account || sv?.kind !== 'array') return undefined;
  const statement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' };
  return editFix(ctx, 'Add the account-root statement', { kind: 'add-item', array: sv, value: statement });
}

/** AWS managed keys' policies carry Ids such as "auto-ebs-2", "auto-secretsmanager-1". */
function isAwsManagedPolicy(ctx: CheckContext): boolean {
  const id = getProp(ctx.model.root, 'Id')?.value;
  return id?.kind === 'string' && /^auto-[a-z0-9-]+$/.test(id.value);
}

function checkLockout(ctx: CheckContext): void {
  const { model, options } = ctx;
  // A principal known only at deploy time may be the caller (below); unknown actions or effects leave nothing to decide.
  if (model.dynamicStatements || model.statements.some((s) => s.actionDynamic || s.effectNode?.kind === 'dynamic')) return;
  if (!model.statementProp || model.statements.length === 0) return;
  const at = keySpan(model.statementProp);
  if (options.deployer && !model.statements.some((s) => s.principalDynamic)) {
    const d = options.deployer;
    const keyArn = `arn:aws:kms:${d.region}:${d.accountId}:key/00000000-0000-0000-0000-000000000000`;
    if (lockoutRiskFor(model, d, keyArn)) {
      ctx.findings.add('lockout-risk', 'error', `After this policy ${d.principal} could not call kms:PutKeyPolicy, so KMS refuses it (lockout safety check). Allow that principal, or the account root, kms:PutKeyPolicy.`, at, lockoutFix(ctx));
    }
    return;
  }
  // PutKeyPolicy cannot be used across accounts: when the workspace's accounts are known, only their principals count.
  const accounts = options.accountIds ?? [];
  const local = (st: StatementModel) => !accounts.length || st.notPrincipal || st.principalDynamic || st.principals.some((p) => p.type !== 'AWS' || p.value === '*' || accounts.includes(accountOfPrincipal(p.value) ?? ''));
  const allows = model.statements.filter((st) => st.effect === 'Allow' && coversPutKeyPolicy(st) && (st.principals.length > 0 || st.notPrincipal || st.principalDynamic) && local(st));
  const denies = model.statements.filter((st) => st.effect === 'Deny');
  const effective = allows.filter((a) => !denies.some((d) => neutralises(d, a)));
  if (effective.length === 0 && isAwsManagedPolicy(ctx)) {
    ctx.findings.add('lockout-risk', 'info', 'This is the policy of an AWS managed key (its Id starts with "auto-"): only AWS sets it, and nobody may change it. For a key of your own KMS would refuse it (lockout safety check).', at);
    return;
  }
  if (effective.length === 0) {
    ctx.findings.add('lockout-risk', 'error', 'No principal can call kms:PutKeyPolicy under this policy, so nobody could change it again; KMS refuses it (lockout safety check). Allow the account root (or the key administrators) kms:PutKeyPolicy.', at, lockoutFix(ctx));
    return;
  }
  const unconditional = effective.filter((st) => st.conditions.every((c) => ROUTINE_KEYS.has(c.key.toLowerCase())) && (st.notPrincipal || st.principalDynamic || st.principals.some((p) => p.type !== 'Service')));
  if (unconditional.length === 0) {
    ctx.findings.add('lockout-conditional', 'warning', 'kms:PutKeyPolicy is allowed only to service principals or under conditions a deployer may not meet; if the caller does not meet them, KMS refuses this policy and nobody could change it later.', at);
  }
}

/** Adds an operator block to the statement's Condition (creating it if needed), unless that operator is already there. */
function addConditionFix(ctx: CheckContext, st: StatementModel, operator: string, block: Record<string, PolicyValue>, title: string): Finding['fix'] {
  const cv = st.conditionProp?.value;
  if (!cv) return editFix(ctx, title, { kind: 'add-member', object: st.node, name: 'Condition', value: { [operator]: block } });
  if (cv.kind !== 'object' || cv.props.some((p) => p.key === operator)) return undefined;
  return editFix(ctx, title, { kind: 'add-member', object: cv, name: operator, value: block });
}

const GRANT_GUARDS = new Set(['kms:grantisforawsresource', 'kms:grantoperations', 'kms:granteeprincipal', 'kms:granteeserviceprincipal', 'kms:viaservice']);

function isAccountRoot(value: string): boolean {
  return parseAwsPrincipal(value)?.kind === 'account';
}

function checkGrants(ctx: CheckContext, st: StatementModel): void {
  if (st.effect !== 'Allow' || st.notAction) return;
  const named = st.actions.find((a) => canonicalAction(a.value.replace(/^kms:/i, '')) === 'CreateGrant' && /^kms:/i.test(a.value));
  if (!named || st.conditions.some((c) => GRANT_GUARDS.has(c.key.toLowerCase()))) return;
  if (st.principals.every((p) => p.type === 'Service' || (p.type === 'AWS' && isAccountRoot(p.value)))) return;
  ctx.findings.add('unconstrained-create-grant', 'warning', `kms:CreateGrant ${st.conditions.length ? 'with conditions that do not limit the grantee or the operations' : 'without a condition'} lets these principals hand any of their permissions on this key (Decrypt included) to anyone. Add "Bool": {"kms:GrantIsForAWSResource": "true"} or limit kms:GrantOperations and kms:GranteePrincipal.`, spanOf(named.node),
    addConditionFix(ctx, st, 'Bool', { 'kms:GrantIsForAWSResource': 'true' }, 'Allow grants only for AWS services (kms:GrantIsForAWSResource)'));
}

const NETWORK_KEYS = new Set(['aws:sourceip', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:vpcsourceip']);
const SERVICE_ESCAPES = new Set(['aws:viaawsservice', 'aws:principalisawsservice', 'kms:viaservice', 'aws:calledvia', 'aws:calledviafirst', 'aws:calledvialast']);

function checkNetworkDeny(ctx: CheckContext, st: StatementModel): void {
  if (st.effect !== 'Deny') return;
  const net = st.conditions.find((c) => NETWORK_KEYS.has(c.key.toLowerCase()) && c.parsed?.base.negated);
  if (!net || st.conditions.some((c) => SERVICE_ESCAPES.has(c.key.toLowerCase()))) return;
  ctx.findings.add('network-deny-without-service-exception', 'warning', `AWS services (EBS, S3, RDS…) call KMS from their own network on your behalf, so this Deny on ${lookupConditionKey(net.key)?.name ?? net.key} also blocks them. Add "Bool": {"aws:ViaAWSService": "false"} to the Deny.`, keySpan({ keyOffset: net.keyOffset, keyLength: net.keyLength }),
    addConditionFix(ctx, st, 'Bool', { 'aws:ViaAWSService': 'false' }, 'Exempt calls made by AWS services (aws:ViaAWSService)'));
}

function checkCrossAccount(ctx: CheckContext, st: StatementModel): void {
  const accounts = ctx.options.accountIds;
  if (!accounts?.length || st.effect !== 'Allow' || st.notAction || st.notPrincipal) return;
  const foreign = st.principals.filter((p) => p.type === 'AWS' && accountOfPrincipal(p.value) !== undefined && !accounts.includes(accountOfPrincipal(p.value)!));
  if (!foreign.length || foreign.length !== st.principals.length) return;
  for (const a of st.actions) {
    const name = /^kms:/i.test(a.value) ? canonicalAction(a.value.slice(4)) : undefined;
    const info = name ? KMS_ACTIONS[name] : undefined;
    if (info && info.effectiveIn === 'KP' && !info.crossAccount) {
      ctx.findings.add('cross-account-action', 'warning', `kms:${name} cannot be used by principals of another account, so allowing it to ${accountOfPrincipal(foreign[0].value)} has no effect.`, spanOf(a.node));
    }
  }
}

/** Conditions that bound "*" to a whole account or organization, not to particular principals. */
const ACCOUNT_WIDE_KEYS = new Set(['kms:calleraccount', 'aws:principalaccount', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:sourceaccount']);

function checkAccountWideAdmin(ctx: CheckContext, st: StatementModel): void {
  if (st.effect !== 'Allow' || !isEveryone(st) || !statementActions(st).includes('PutKeyPolicy')) return;
  const narrowing = st.conditions.filter(narrows);
  if (!narrowing.length || !narrowing.every((c) => ACCOUNT_WIDE_KEYS.has(c.key.toLowerCase()))) return;
  const star = st.principals.find((p) => p.value === '*')!;
  ctx.findings.add('account-wide-admin', 'warning', 'Every principal of the account (or organization) can change this key\'s policy and schedule its deletion, without needing any IAM policy. Name the administrators, or use the account-root principal so IAM policies decide.', spanOf(star.node));
}

/** Principals, actions and resources the Deny covers with no condition: what it takes away unconditionally. */
function unconditionallyDenies(deny: StatementModel, allow: StatementModel): boolean {
  if (deny.conditions.length || deny.notPrincipal || deny.notResource || !deny.resources.some((r) => r.value === '*')) return false;
  if (!isEveryone(deny)) {
    const denied = new Set(deny.principals.map((p) => `${p.type}|${p.value}`));
    if (allow.notPrincipal || !allow.principals.length || !allow.principals.every((p) => denied.has(`${p.type}|${p.value}`))) return false;
  }
  const denied = new Set(statementActions(deny));
  const allowed = statementActions(allow);
  return allowed.length > 0 && allowed.every((a) => denied.has(a));
}

function checkShadowed(ctx: CheckContext): void {
  const denies = ctx.model.statements.filter((s) => s.effect === 'Deny');
  for (const st of ctx.model.statements) {
    if (st.effect !== 'Allow') continue;
    const by = denies.find((d) => unconditionallyDenies(d, st));
    if (by) ctx.findings.add('allow-shadowed-by-deny', 'warning', `Everything this statement allows is denied by ${by.sid ? `"${by.sid.value}"` : `statement ${by.index + 1}`} without conditions, so it has no effect.`, statementAnchor(st));
  }
}

/** Principals as a comparable set, deploy-time ones by their source text. */
function principalSet(ctx: CheckContext, st: StatementModel): string {
  const named = st.principals.map((p) => `${p.type}|${p.value}`);
  const pv = st.principalProp?.value;
  if (st.principalDynamic && pv) named.push(comparableText(pv, ctx.text));
  return named.sort().join('\n');
}

const statementKeys = new WeakMap<StatementModel, string>();

function statementKey(ctx: CheckContext, st: StatementModel): string {
  let key = statementKeys.get(st);
  if (key === undefined) statementKeys.set(st, (key = comparableText(st.node, ctx.text)));
  return key;
}

const ACTION_INDEX = new Map(KMS_ACTION_NAMES.map((a, i) => [a, i]));

/** The statement's actions as a bit set over KMS_ACTION_NAMES, so "covers" is a few word operations. */
function actionBits(st: StatementModel): Uint32Array {
  const bits = new Uint32Array(Math.ceil(KMS_ACTION_NAMES.length / 32));
  for (const a of statementActions(st)) {
    const i = ACTION_INDEX.get(a)!;
    bits[i >> 5] |= 1 << (i & 31);
  }
  return bits;
}

function covers(outer: Uint32Array, inner: Uint32Array): boolean {
  return inner.every((w, i) => ((outer[i] & w) >>> 0) === w);
}

/**
 * An Allow whose every action another unconditional Allow already gives the same principals. Coverers are
 * grouped by principal set and then by action set, so the work grows with the distinct action sets of a
 * principal set, not with the square of the statements (policies that repeat one shape stay linear).
 */
function checkRedundantStatements(ctx: CheckContext): void {
  const allows = ctx.model.statements.filter((s) => !s.conditional && s.effect === 'Allow' && !s.notPrincipal && !s.notResource && (s.principals.length > 0 || s.principalDynamic) && s.resources.some((r) => r.value === '*'));
  interface ActionGroup { bits: Uint32Array; byKey: Map<string, StatementModel> }
  const covering = new Map<string, Map<string, ActionGroup>>();
  for (const o of allows) {
    if (o.conditions.length) continue;
    const principals = principalSet(ctx, o);
    let groups = covering.get(principals);
    if (!groups) covering.set(principals, (groups = new Map()));
    const bits = actionBits(o);
    const id = bits.join(',');
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { bits, byKey: new Map() }));
    // Two distinct statements per action set are enough: one of them differs from any statement asking.
    if (group.byKey.size < 2 && !group.byKey.has(statementKey(ctx, o))) group.byKey.set(statementKey(ctx, o), o);
  }
  for (const st of allows) {
    const groups = covering.get(principalSet(ctx, st));
    if (!groups || statementActions(st).length === 0) continue;
    const bits = actionBits(st);
    const key = statementKey(ctx, st);
    let by: StatementModel | undefined;
    for (const group of groups.values()) {
      if (!covers(group.bits, bits)) continue;
      // An identical statement is a duplicate (reported below), not a covering one.
      by = [...group.byKey].find(([k]) => k !== key)?.[1];
      if (by) break;
    }
    if (by) ctx.findings.add('redundant-statement', 'info', `Everything this statement allows is already allowed to the same principals by ${by.sid ? `"${by.sid.value}"` : `statement ${by.index + 1}`} without conditions.`, statementAnchor(st));
  }
}

function checkDuplicateStatements(ctx: CheckContext): void {
  const seen = new Map<string, StatementModel>();
  for (const st of ctx.model.statements) {
    if (st.conditional) continue;
    const key = statementKey(ctx, st);
    const first = seen.get(key);
    if (first) ctx.findings.add('duplicate-statement', 'info', `This statement repeats statement ${first.index + 1} exactly; remove it.`, statementAnchor(st));
    else seen.set(key, st);
  }
}

export function checkSemantics(ctx: CheckContext): void {
  for (const st of ctx.model.statements) {
    checkWildcardPrincipal(ctx, st);
    checkAccountWideAdmin(ctx, st);
    checkGrants(ctx, st);
    checkNetworkDeny(ctx, st);
    checkCrossAccount(ctx, st);
  }
  checkShadowed(ctx);
  checkRedundantStatements(ctx);
  checkDuplicateStatements(ctx);
  checkLockout(ctx);
}
