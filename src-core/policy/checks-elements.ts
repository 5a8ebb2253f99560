/**
 * Principal, Action and Resource values: well-formed, known, and meaningful in a key policy.
 */
import { substitutionTemplate } from './cfn';
import { editFix, type CheckContext } from './context';
import { canonicalAction, KMS_ACTION_NAMES, KMS_ACTIONS } from './data';
import { closest, keySpan, replaceFix, spanOf } from './findings';
import { wildcardMatch } from './match';
import type { StatementModel } from './model';
import { isServicePrincipal, parseAwsPrincipal } from './principals';

const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

function checkPrincipals(ctx: CheckContext, st: StatementModel): void {
  const prop = st.principalProp;
  if (!prop) return;
  const v = prop.value;
  const f = ctx.findings;
  if (v.kind === 'string') {
    if (v.value !== '*') {
      const looksAws = parseAwsPrincipal(v.value) !== undefined;
      f.add('invalid-principal', 'error', `A principal string can only be "*"; name principals in a map such as {"AWS": "${v.value}"}.`, spanOf(v),
        looksAws ? editFix(ctx, 'Wrap in {"AWS": …}', { kind: 'replace-value', node: v, value: { AWS: v.value } }) : undefined);
    }
  } else if (v.kind === 'object') {
    if (v.props.length === 0) f.add('invalid-principal', 'error', `${prop.key} is empty: name at least one principal.`, spanOf(v));
    for (const p of v.props) {
      if (!PRINCIPAL_TYPES.includes(p.key)) {
        const right = PRINCIPAL_TYPES.find((t) => t.toLowerCase() === p.key.toLowerCase());
        f.add('invalid-principal', 'error', right ? `Principal types are case-sensitive: write "${right}".` : `"${p.key}" is not a principal type; use "AWS" (accounts, users, roles) or "Service".`, keySpan(p));
      } else if (p.key === 'CanonicalUser' || p.key === 'Federated') {
        f.add('invalid-principal', 'error', `${p.key} principals are not supported in key policies; name IAM principals with "AWS" or services with "Service".`, keySpan(p));
      }
      const items = p.value.kind === 'array' ? p.value.items : [p.value];
      if (p.value.kind === 'array' && items.length === 0) f.add('empty-value', 'warning', `${p.key} is an empty array: it names no principal.`, spanOf(p.value));
      for (const item of items) {
        if (item.kind === 'dynamic') {
          const template = p.key === 'AWS' ? substitutionTemplate(item) : undefined;
          if (template !== undefined) checkAwsPrincipal(ctx, template, spanOf(item), items.length, true);
          continue;
        }
        if (item.kind !== 'string') {
          f.add('invalid-type', 'error', 'A principal must be a string.', spanOf(item));
        } else if (p.key === 'AWS') {
          checkAwsPrincipal(ctx, item.value, spanOf(item), items.length);
        } else if (p.key === 'Service' && !isServicePrincipal(item.value) && !item.value.includes('${')) {
          f.add('invalid-principal', 'error', `"${item.value}" is not a service principal (expected e.g. "logs.amazonaws.com").`, spanOf(item));
        }
      }
    }
  } else if (v.kind !== 'dynamic') {
    f.add('invalid-principal', 'error', `${prop.key} must be "*" or a map such as {"AWS": […]}.`, spanOf(v));
  }
  if (st.notPrincipal && st.effect === 'Allow') {
    f.add('not-principal-allow', 'warning', 'Allow with NotPrincipal grants access to everyone except the listed principals, including anonymous callers; list the principals in Principal instead.', keySpan(prop));
  } else if (st.notPrincipal && st.effect === 'Deny') {
    f.add('not-principal-deny', 'warning', 'Deny with NotPrincipal must list the account, the role and every assumed-role session of an exempted identity, or it is denied too. Prefer "Principal": "*" with an ArnNotEquals condition on aws:PrincipalArn.', keySpan(prop), notPrincipalRewrite(ctx, st));
  }
}

/**
 * Deny + NotPrincipal → Deny to "*" unless aws:PrincipalArn is one of the exempted ARNs (which also
 * covers the sessions of an exempted role). Offered when the statement has no Condition yet and every
 * exempted principal is an IAM ARN.
 */
function notPrincipalRewrite(ctx: CheckContext, st: StatementModel): ReturnType<typeof replaceFix> {
  const prop = st.principalProp!;
  const arns = st.principals.map((p) => p.value);
  if (st.conditionProp || st.principalDynamic || !arns.length || !st.principals.every((p) => p.type === 'AWS' && p.value.startsWith('arn:'))) return undefined;
  const condition = { ArnNotEquals: { 'aws:PrincipalArn': arns.length === 1 ? arns[0] : arns } };
  return editFix(ctx, 'Deny "*" unless aws:PrincipalArn is exempted', { kind: 'replace-member', prop, members: [['Principal', '*'], ['Condition', condition]] });
}

/**
 * Deploy-time parts of an Fn::Sub/Fn::Join as stand-ins that are valid where they sit (`aws` as the partition,
 * 12 digits elsewhere: an account ID or a name), so only the literal parts are judged.
 */
const withStandIns = (template: string) => template.replace(/^arn:\$\{[^}]*\}:/, 'arn:aws:').replace(/\$\{[^}]*\}/g, '000000000000');

/**
 * One AWS principal: a string, or with `template` the string an Fn::Sub/Fn::Join makes (its `${…}` known only at
 * deploy time), whose literal parts are checked (the quick fix then edits the intrinsic's own text).
 */
function checkAwsPrincipal(ctx: CheckContext, text: string, at: { offset: number; length: number }, siblings: number, template = false): void {
  const f = ctx.findings;
  if (!template && text.includes('${')) return;
  const p = parseAwsPrincipal(template ? withStandIns(text) : text);
  if (p?.kind === 'assumed-role' && /[*?]/.test(p.session)) {
    f.add('invalid-principal', 'error', 'The session name of an assumed-role principal cannot contain wildcards.', at);
    return;
  }
  // A user or role ARN with `*`/`?` in its path or name parses, but KMS (like IAM) takes only "*" whole.
  const wild = /[*?]/.test(text);
  if (!p || (wild && p.kind !== 'everyone')) {
    const why = wild ? 'wildcards are not allowed inside a principal ARN (use "*" with a condition on aws:PrincipalArn)' : 'expected "*", a 12-digit account ID, or an IAM user, role, account-root or STS session ARN';
    f.add('invalid-principal', 'error', `"${text}" is not a valid principal: ${why}. KMS rejects the policy.`, at);
    return;
  }
  if (p.kind === 'group') f.add('invalid-principal', 'error', 'IAM groups cannot be principals in a key policy; name the account, users or roles (or attach an IAM policy to the group).', at);
  else if (p.kind === 'user' && p.name === 'root' && p.path === '/') {
    const root = template ? text.replace(/:user\/root$/, ':root') : `arn:${p.partition}:iam::${p.accountId}:root`;
    f.add('invalid-principal', 'warning', `"${text}" names an IAM user called "root", not the account; the account principal is "${root}". KMS rejects the policy unless such a user exists.`, at, template ? userRootFix(ctx, at) : replaceFix(`Use "${root}"`, at, JSON.stringify(root)));
  } else if (p.kind === 'unique-id') f.add('deleted-principal', 'warning', `"${text}" is a unique ID: IAM shows this when the principal it named was deleted. Replace it with the principal's ARN.`, at);
  else if (p.kind === 'everyone' && siblings > 1) f.add('redundant-principal', 'info', '"*" already names every principal; the other entries add nothing.', at);
}

/** `user/root` → `root` inside an intrinsic's text, when it is written there once. */
function userRootFix(ctx: CheckContext, at: { offset: number; length: number }): ReturnType<typeof replaceFix> {
  const source = ctx.text.slice(at.offset, at.offset + at.length);
  const i = source.indexOf('user/root');
  return i >= 0 && source.indexOf('user/root', i + 1) < 0 ? replaceFix('Name the account (:root)', { offset: at.offset + i, length: 'user/root'.length }, 'root') : undefined;
}

const expansions = new Map<string, readonly string[]>();

/** The kms: actions an Action/NotAction pattern names (bare names). Memoised: policies repeat the same few patterns. */
export function expandActionPattern(pattern: string): readonly string[] {
  let names = expansions.get(pattern);
  if (!names) {
    const colon = pattern.indexOf(':');
    if (pattern === '*') names = KMS_ACTION_NAMES;
    else if (colon < 0 || pattern.slice(0, colon).toLowerCase() !== 'kms') names = [];
    else names = KMS_ACTION_NAMES.filter((a) => wildcardMatch(pattern.slice(colon + 1), a, true));
    if (expansions.size > 2000) expansions.clear();
    expansions.set(pattern, names);
  }
  return names;
}

const statementActionCache = new WeakMap<StatementModel, readonly string[]>();

/** The kms: actions a statement covers: its Action list, or the complement of its NotAction list. */
export function statementActions(st: StatementModel): readonly string[] {
  let actions = statementActionCache.get(st);
  if (!actions) {
    const named = new Set(st.actions.flatMap((a) => expandActionPattern(a.value)));
    actions = st.notAction ? KMS_ACTION_NAMES.filter((a) => !named.has(a)) : [...named];
    statementActionCache.set(st, actions);
  }
  return actions;
}

function checkActions(ctx: CheckContext, st: StatementModel): void {
  const f = ctx.findings;
  for (const a of st.actions) {
    const at = spanOf(a.node);
    const text = a.value;
    if (text === '*' && !st.notAction) {
      f.add('action-star', 'info', 'In a key policy "*" means every KMS action; write "kms:*" to say so.', at, replaceFix('Use "kms:*"', at, '"kms:*"'));
      continue;
    }
    if (text === '*' || text.includes('${')) continue;
    const colon = text.indexOf(':');
    if (colon < 0) {
      const guess = canonicalAction(text);
      f.add('unknown-action', 'error', `"${text}" is not an action: actions are written service:Name, e.g. "kms:Decrypt".`, at, guess ? replaceFix(`Use "kms:${guess}"`, at, `"kms:${guess}"`) : undefined);
      continue;
    }
    const prefix = text.slice(0, colon);
    const name = text.slice(colon + 1);
    if (prefix.toLowerCase() !== 'kms') {
      if (prefix.length <= 4 && closest(prefix, ['kms']) && canonicalAction(name)) {
        f.add('unknown-action', 'error', `"${prefix}" is not a service prefix; did you mean "kms"?`, at, replaceFix(`Use "kms:${canonicalAction(name)}"`, at, `"kms:${canonicalAction(name)}"`));
      } else {
        f.add('action-not-applicable', 'warning', `A key policy governs only this key: "${text}" is not a KMS action and has no effect here.`, at);
      }
      continue;
    }
    if (/[*?]/.test(name)) {
      if (expandActionPattern(text).length === 0) f.add('unknown-action', 'error', `"${text}" matches no KMS action.`, at);
      continue;
    }
    const canonical = canonicalAction(name);
    if (!canonical && name.toLowerCase() === 'reencrypt') {
      f.add('unknown-action', 'error', 'The ReEncrypt operation needs two permissions, kms:ReEncryptFrom (source key) and kms:ReEncryptTo (destination key); write "kms:ReEncrypt*".', at, replaceFix('Use "kms:ReEncrypt*"', at, '"kms:ReEncrypt*"'));
      continue;
    }
    if (!canonical) {
      const guess = closest(name, KMS_ACTION_NAMES);
      f.add('unknown-action', 'error', `"${text}" is not a KMS action${guess ? `; did you mean "kms:${guess}"?` : '.'}`, at, guess ? replaceFix(`Use "kms:${guess}"`, at, `"kms:${guess}"`) : undefined);
      continue;
    }
    if (st.notAction) continue;
    const info = KMS_ACTIONS[canonical];
    if (info.effectiveIn === 'IAM') {
      f.add('action-not-applicable', 'warning', `kms:${canonical} is not tied to a key, so a key policy cannot allow it; allow it in an IAM policy.`, at);
    } else if (info.effectiveIn === 'grant-only') {
      f.add('action-not-applicable', 'warning', 'kms:RetireGrant is decided by the grant (its retiring principal or grantee), not by the key policy; this entry has no effect.', at);
    } else if (info.effectiveIn === 'service-only') {
      f.add('action-not-applicable', 'info', 'kms:SynchronizeMultiRegionKey is used only by the KMS multi-Region service-linked role; naming it here has no effect for other principals.', at);
    }
  }
  if (st.notAction && st.effect === 'Allow' && st.actionProp) {
    f.add('not-action-allow', 'warning', 'Allow with NotAction allows every other action, including ones added to KMS later; list the allowed actions instead.', keySpan(st.actionProp));
  }
  checkRedundantActions(ctx, st);
}

/**
 * An action already covered by `kms:*` or `*` in the same list. Narrower wildcards are left alone: the
 * console itself writes "kms:Update*" next to "kms:UpdatePrimaryRegion".
 */
function checkRedundantActions(ctx: CheckContext, st: StatementModel): void {
  const patterns = st.actions.filter((a) => a.value === '*' || a.value.toLowerCase() === 'kms:*');
  if (!patterns.length) return;
  for (const a of st.actions) {
    if (/[*?]/.test(a.value)) continue;
    const canonical = a.value.toLowerCase().startsWith('kms:') ? canonicalAction(a.value.slice(4)) : undefined;
    if (!canonical) continue;
    const by = patterns.find((p) => expandActionPattern(p.value).includes(canonical));
    if (by) ctx.findings.add('redundant-action', 'info', `"${a.value}" is already covered by "${by.value}".`, spanOf(a.node));
  }
}

function checkResources(ctx: CheckContext, st: StatementModel): void {
  const prop = st.resourceProp;
  if (!prop) return;
  if (st.notResource) {
    ctx.findings.add('not-resource', 'error', 'NotResource has no meaning in a key policy (it governs only this key); use "Resource": "*".', keySpan(prop),
      editFix(ctx, 'Use "Resource": "*"', { kind: 'replace-member', prop, members: [['Resource', '*']] }));
    return;
  }
  for (const r of st.resources) {
    if (r.value === '*') continue;
    ctx.findings.add('resource-not-star', 'error', `In a key policy "Resource" must be "*" (it means this key); KMS rejects "${r.value}".`, spanOf(r.node), replaceFix('Use "*"', spanOf(r.node), '"*"'));
  }
}

export function checkElements(ctx: CheckContext): void {
  for (const st of ctx.model.statements) {
    checkPrincipals(ctx, st);
    checkActions(ctx, st);
    checkResources(ctx, st);
  }
}
