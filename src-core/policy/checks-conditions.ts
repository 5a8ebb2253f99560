/**
 * The Condition block: operators, keys, qualifiers, value types and formats, and whether the key is
 * ever present in the requests the statement covers.
 */
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from '../ids/identifiers';
import { substitutionTemplate } from './cfn';
import { renameFix, type CheckContext } from './context';
import { CONDITION_KEYS, keySupportsAction, lookupConditionKey, OPERATORS, parseOperator, type ConditionKeyInfo, type ConditionType, type OperatorFamily } from './data';
import { statementActions } from './checks-elements';
import { closest, keySpan, replaceFix, spanOf, type Span } from './findings';
import { ipInRange, isBase64, parseCidr, parseDate, parseNumber } from './match';
import type { ConditionRef, StatementModel } from './model';
import { isServicePrincipal, parseAwsPrincipal } from './principals';

const OPERATOR_NAMES = Object.keys(OPERATORS);
const KEY_NAMES = CONDITION_KEYS.map((k) => k.name);

/**
 * Renames a condition's operator, when that is safe: the operator holds only this key (others would
 * change meaning too) and the new name is not already an operator of the statement (it would duplicate).
 */
function operatorFix(ctx: CheckContext, st: StatementModel, c: ConditionRef, name: string): ReturnType<typeof renameFix> {
  const siblings = st.conditions.filter((o) => o.operatorKeyOffset === c.operatorKeyOffset);
  const clash = st.conditions.some((o) => o.operator === name);
  return siblings.length === 1 && !clash ? renameFix(ctx, { offset: c.operatorKeyOffset, length: c.operatorKeyLength }, name) : undefined;
}

/** Which operator families can meaningfully test a key of each type: 'ok', or the severity of using another. */
function familyFit(type: ConditionType, family: OperatorFamily): 'ok' | 'warning' | 'error' {
  if (family === 'Null') return 'ok';
  switch (type) {
    case 'String':
    case 'ArrayOfString':
      // ARN operators on String keys are documented by AWS (kms:EncryptionContext:aws:logs:arn).
      return family === 'String' || family === 'Arn' ? 'ok' : 'error';
    case 'ARN':
    case 'ArrayOfARN':
      return family === 'Arn' || family === 'String' ? 'ok' : 'error';
    case 'Numeric':
      return family === 'Numeric' ? 'ok' : family === 'String' ? 'warning' : 'error';
    case 'Date':
      return family === 'Date' || family === 'Numeric' ? 'ok' : family === 'String' ? 'warning' : 'error';
    case 'Bool':
      return family === 'Bool' ? 'ok' : family === 'String' ? 'warning' : 'error';
    case 'IPAddress':
      return family === 'IpAddress' ? 'ok' : family === 'String' ? 'warning' : 'error';
    case 'Binary':
      return family === 'Binary' ? 'ok' : 'error';
  }
}

const FAMILY_FOR_TYPE: Record<ConditionType, string> = {
  String: 'a String operator (StringEquals, StringLike…)',
  ArrayOfString: 'ForAnyValue:/ForAllValues: with a String operator',
  ARN: 'ArnEquals/ArnLike (or a String operator)',
  ArrayOfARN: 'ForAnyValue:ArnLike',
  Numeric: 'a Numeric operator (NumericLessThan…)',
  Date: 'a Date operator (DateGreaterThan…)',
  Bool: 'Bool',
  IPAddress: 'IpAddress or NotIpAddress',
  Binary: 'BinaryEquals',
};

const VIA_SERVICE = /^[a-z0-9*?-]+\.([a-z0-9*?-]+)\.amazonaws\.com(\.cn)?$/;
/** A Region code, or a pattern of one (wildcards stand for any part). */
function isRegionPattern(text: string): boolean {
  return /[*?]/.test(text) ? /^[a-z0-9*?-]+$/.test(text) : REGION_PATTERN.test(text);
}

/** Value formats per key (format or enumerated values); returns a message when the value cannot match. */
function formatProblem(info: ConditionKeyInfo, value: string, wildcards: boolean): string | undefined {
  const hasWild = wildcards && /[*?]/.test(value);
  if (info.values && !hasWild && !info.values.includes(value)) {
    const ci = info.values.find((v) => v.toLowerCase() === value.toLowerCase());
    return ci ? `values of ${info.name} are case-sensitive: "${ci}"` : `${info.name} is one of ${info.values.join(', ')}`;
  }
  switch (info.format) {
    case 'account':
      return !hasWild && !ACCOUNT_ID_PATTERN.test(value) ? `${info.name} is a 12-digit account ID` : undefined;
    case 'alias':
      if (value.startsWith('arn:')) return `${info.name} holds alias names ("alias/name"), not alias ARNs`;
      return !value.startsWith('alias/') && !hasWild ? `${info.name} holds alias names that start with "alias/"` : undefined;
    case 'via-service': {
      const region = VIA_SERVICE.exec(value)?.[1];
      if (region === undefined) return `${info.name} is "<service>.<region>.amazonaws.com", e.g. "s3.us-east-1.amazonaws.com"`;
      return isRegionPattern(region) ? undefined : `"${region}" is not a Region code (e.g. "us-east-1")`;
    }
    case 'region':
      return !isRegionPattern(value) ? `${info.name} is a Region code such as "eu-west-1"` : undefined;
    case 'service-principal':
      return !hasWild && !isServicePrincipal(value) ? `${info.name} is a service principal such as "logs.amazonaws.com"` : undefined;
    case 'principal-arn':
      return !hasWild && !value.startsWith('arn:') ? `${info.name} is a principal ARN such as "arn:aws:iam::111122223333:role/App"` : undefined;
    case 'hex-digest':
      return !hasWild && !/^(0x)?[0-9a-f]+$/i.test(value) ? `${info.name} is a hexadecimal digest` : undefined;
    default:
      break;
  }
  if (info.range) {
    const n = parseNumber(value);
    if (n !== undefined && (n < info.range[0] || n > info.range[1])) return `${info.name} is between ${info.range[0]} and ${info.range[1]}, so ${value} never occurs`;
  }
  return undefined;
}

function checkVariables(ctx: CheckContext, c: ConditionRef, family: OperatorFamily): void {
  for (const v of c.values) {
    if (!v.value.includes('$')) continue;
    const opens = (v.value.match(/\$\{/g) ?? []).length;
    const closes = (v.value.match(/\$\{[^}]*\}/g) ?? []).length;
    if (opens !== closes || /\$\{\s*\}/.test(v.value)) {
      ctx.findings.add('invalid-variable', 'error', 'Malformed policy variable: write ${aws:username} (a "${", a key name, and "}").', spanOf(v.node));
    } else if (opens > 0 && family !== 'String' && family !== 'Arn') {
      ctx.findings.add('invalid-variable', 'error', 'Policy variables work only with String and ARN operators.', spanOf(v.node));
    }
  }
}

function wildcardWithoutLike(ctx: CheckContext, st: StatementModel, c: ConditionRef, at: Span): void {
  const base = c.parsed!.base.name;
  const likeOp = base.startsWith('StringNot') ? 'StringNotLike' : base.startsWith('String') ? 'StringLike' : undefined;
  const fixed = likeOp ? c.operator.replace(base, likeOp) : undefined;
  ctx.findings.add('wildcard-without-like', 'warning', `${c.operator} compares "*" and "?" literally${likeOp ? `; use ${likeOp} for wildcards` : ''}.`, at, fixed ? operatorFix(ctx, st, c, fixed) : undefined);
}

function checkValues(ctx: CheckContext, st: StatementModel, c: ConditionRef, family: OperatorFamily, info: ConditionKeyInfo | undefined): void {
  const f = ctx.findings;
  const like = c.parsed?.base.wildcards ?? false;
  // An Fn::Sub/Fn::Join value: its literal parts are known, and a wildcard there is compared literally too.
  if (!like && c.parsed && c.hasDynamic) {
    for (const item of c.valueNode.kind === 'array' ? c.valueNode.items : [c.valueNode]) {
      const template = substitutionTemplate(item);
      if (template !== undefined && /[*?]/.test(template.replace(/\$\{[^}]*\}/g, ''))) wildcardWithoutLike(ctx, st, c, spanOf(item));
    }
  }
  if (c.valueNode.kind === 'array' && c.valueNode.items.length === 0) f.add('empty-value', 'warning', `No values for ${c.key}: the condition never matches.`, spanOf(c.valueNode));
  const seen = new Set<string>();
  for (const v of c.values) {
    if (seen.has(v.value)) f.add('redundant-condition-value', 'info', `"${v.value}" is already listed for ${c.key}.`, spanOf(v.node));
    seen.add(v.value);
  }
  for (const v of c.values) {
    const at = spanOf(v.node);
    const text = v.value;
    const bad = (msg: string) => f.add('invalid-condition-value', 'error', msg, at);
    switch (family) {
      case 'Bool':
      case 'Null':
        if (!/^(true|false)$/i.test(text)) bad(`${c.operator} takes "true" or "false".`);
        continue;
      case 'Numeric': {
        const problem = info?.range ? formatProblem(info, text, false) : undefined;
        if (parseNumber(text) === undefined) bad(`"${text}" is not a number.`);
        else if (problem) f.add('invalid-condition-value', 'warning', `${problem}.`, at);
        continue;
      }
      case 'Date':
        if (parseDate(text) === undefined) bad(`"${text}" is not a date: use ISO 8601 (2026-01-31T12:00:00Z) or epoch seconds.`);
        continue;
      case 'IpAddress':
        if (parseCidr(text) === undefined) bad(`"${text}" is not an IP address or CIDR range.`);
        else if (c.key.toLowerCase() === 'aws:sourceip' && isPrivateRange(text)) {
          f.add('private-source-ip', 'warning', `"${text}" is a private range, but aws:SourceIp holds public addresses only (calls through a VPC endpoint carry aws:VpcSourceIp instead), so it never matches; use aws:VpcSourceIp or aws:SourceVpce.`, at);
        }
        continue;
      case 'Binary':
        if (!isBase64(text)) bad(`"${text}" is not base64.`);
        continue;
      default:
        break;
    }
    if (text.includes('${')) continue;
    if (c.key.toLowerCase() === 'aws:principalarn' && /^arn:[^:]+:sts::[^:]*:assumed-role\//.test(text)) {
      f.add('invalid-condition-value', 'warning', 'For a role session aws:PrincipalArn is the role\'s ARN (arn:aws:iam::ACCOUNT:role/NAME), never the assumed-role session ARN; this value never matches.', at);
      continue;
    }
    if (!like && /[*?]/.test(text) && c.parsed) {
      wildcardWithoutLike(ctx, st, c, at);
      continue;
    }
    if (info && family === 'String') {
      const problem = formatProblem(info, text, like);
      if (problem) {
        const ci = info.values?.find((x) => x.toLowerCase() === text.toLowerCase());
        const aliasName = info.format === 'alias' && text.startsWith('arn:') ? /:(alias\/.+)$/.exec(text)?.[1] : undefined;
        const replacement = ci ?? aliasName ?? (info.values ? closest(text, info.values) : undefined);
        f.add('invalid-condition-value', 'warning', `"${text}" never matches: ${problem}.`, at, replacement ? replaceFix(`Use "${replacement}"`, at, JSON.stringify(replacement)) : undefined);
      }
    }
  }
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', 'fc00::/7', 'fe80::/10', '::1/128'];

function isPrivateRange(cidr: string): boolean {
  const parsed = parseCidr(cidr)!;
  return PRIVATE_RANGES.some((r) => {
    const range = parseCidr(r)!;
    return range.width === parsed.width && parsed.prefix >= range.prefix && ipInRange(r, cidr.split('/')[0]);
  });
}

/** Is a condition with this operator true when the key is absent from the request? */
function trueWhenAbsent(c: ConditionRef): boolean {
  const p = c.parsed!;
  if (p.base.family === 'Null') return c.values.some((v) => v.value.toLowerCase() === 'true');
  if (p.qualifier === 'ForAllValues') return true;
  return p.ifExists || p.base.negated;
}

function checkSupport(ctx: CheckContext, st: StatementModel, c: ConditionRef, info: ConditionKeyInfo): void {
  if (info.actions === 'all' || st.actionDynamic) return;
  const actions = statementActions(st);
  if (actions.length === 0) return;
  const supported = actions.filter((a) => keySupportsAction(info, a));
  const at = { offset: c.keyOffset, length: c.keyLength };
  if (supported.length === 0) {
    const absentTrue = trueWhenAbsent(c);
    const effect = st.effect === 'Deny'
      ? absentTrue ? 'this condition is always true here' : 'this Deny never applies'
      : absentTrue ? 'this condition is always true here' : 'this statement never applies';
    ctx.findings.add('condition-key-not-supported', absentTrue ? 'warning' : st.effect === 'Deny' ? 'warning' : 'error', `${info.name} is never present in requests for the actions of this statement, so ${effect}.`, at);
  } else if (supported.length < actions.length && st.actions.every((a) => !/[*?]/.test(a.value)) && !st.notAction && !trueWhenAbsent(c)) {
    const unsupported = actions.filter((a) => !supported.includes(a)).map((a) => `kms:${a}`);
    ctx.findings.add('condition-key-partial', 'info', `${info.name} is not present for ${unsupported.join(', ')}, so this statement never ${st.effect === 'Deny' ? 'denies' : 'allows'} ${unsupported.length > 1 ? 'them' : 'it'}; move ${unsupported.length > 1 ? 'them' : 'it'} to another statement.`, at);
  }
}

function checkCondition(ctx: CheckContext, st: StatementModel, c: ConditionRef): void {
  const f = ctx.findings;
  const opSpan = { offset: c.operatorKeyOffset, length: c.operatorKeyLength };
  const keyAt = { offset: c.keyOffset, length: c.keyLength };
  if (!c.parsed) {
    const base = c.operator.replace(/^[^:]*:/, '').replace(/IfExists$/, '');
    const guess = closest(base, OPERATOR_NAMES);
    const fixed = guess ? c.operator.replace(base, guess) : undefined;
    f.add('unknown-condition-operator', 'error', `"${c.operator}" is not a condition operator${guess ? `; did you mean ${fixed}?` : '.'}`, opSpan, fixed && parseOperator(fixed) ? operatorFix(ctx, st, c, fixed) : undefined);
    return;
  }
  if (c.parsed.base.family === 'Null' && c.parsed.ifExists) {
    f.add('null-if-exists', 'error', 'Null cannot take IfExists: Null already tests whether the key exists.', opSpan, operatorFix(ctx, st, c, c.operator.replace(/IfExists$/, '')));
  }
  const { base, qualifier } = c.parsed;
  checkVariables(ctx, c, base.family);
  const info = lookupConditionKey(c.key);
  if (!info) {
    const isAwsOrKms = /^(aws|kms):/i.test(c.key);
    const guess = closest(c.key, KEY_NAMES.filter((k) => !k.includes('${')));
    f.add('unknown-condition-key', isAwsOrKms || !c.key.includes(':') ? 'error' : 'warning',
      isAwsOrKms || !c.key.includes(':') ? `"${c.key}" is not a condition key${guess ? `; did you mean ${guess}?` : '.'}` : `"${c.key}" is not a key KMS requests carry; the condition never matches.`,
      keyAt, guess ? replaceFix(`Use ${guess}`, keyAt, ctx.text[keyAt.offset] === '"' ? `"${guess}"` : guess) : undefined);
    checkValues(ctx, st, c, base.family, undefined);
    return;
  }
  if (info.forbiddenInKeyPolicy) {
    f.add('condition-key-not-allowed', 'error', `KMS rejects key policies that use ${info.name}; it works only in IAM policies.`, keyAt);
  }
  if (info.deprecated) {
    f.add('deprecated-condition-key', 'info', `${info.name} is deprecated; use ${info.deprecated}.`, keyAt, replaceFix(`Use ${info.deprecated}`, keyAt, ctx.text[keyAt.offset] === '"' ? `"${info.deprecated}"` : info.deprecated));
  }
  if (base.family === 'Null') {
    if (qualifier) f.add('null-with-qualifier', 'info', `${qualifier}: has no meaning with Null; use plain Null.`, opSpan, operatorFix(ctx, st, c, c.operator.slice(qualifier.length + 1)));
  } else if (info.multi && !qualifier) {
    f.add('missing-qualifier', 'error', `${info.name} can hold several values: write ForAnyValue:${c.operator} (any value matches) or ForAllValues:${c.operator} (every value matches).`, opSpan, operatorFix(ctx, st, c, `ForAnyValue:${c.operator}`));
  } else if (!info.multi && qualifier) {
    const rejected = qualifier === 'ForAllValues' && /^(kms:EncryptionContext:|aws:RequestTag\/)/.test(info.name);
    f.add('unneeded-qualifier', rejected ? 'error' : 'warning',
      rejected ? `KMS rejects ForAllValues with ${info.name} (OverlyPermissiveCondition); drop the qualifier.` : `${info.name} has a single value: drop ${qualifier}:${qualifier === 'ForAllValues' ? ' (it also matches requests without the key)' : ''}.`, opSpan,
      operatorFix(ctx, st, c, c.operator.slice(qualifier.length + 1)));
  } else if (info.multi && qualifier === 'ForAllValues' && st.effect === 'Allow' && !base.negated && info.name !== 'kms:GrantOperations') {
    // Guarded when another condition of the statement fails without the key: a Null false on it, or (for the
    // encryption context's keys) a required kms:EncryptionContext:… pair, which no empty context carries.
    const lower = c.key.toLowerCase();
    const guarded = st.conditions.some((o) => o !== c && (
      (o.parsed?.base.family === 'Null' && o.key.toLowerCase() === lower && o.values.some((v) => v.value.toLowerCase() === 'false'))
      || (lower === 'kms:encryptioncontextkeys' && o.parsed !== undefined && o.key.toLowerCase().startsWith('kms:encryptioncontext:') && !trueWhenAbsent(o))));
    if (!guarded) f.add('for-all-values-empty-set', 'warning', `ForAllValues is also true when the request has no ${info.name} at all; add "Null": {"${info.name}": "false"} to require it.`, opSpan);
  }
  const fit = familyFit(info.type, base.family);
  if (fit !== 'ok') {
    f.add('condition-operator-mismatch', fit, `${info.name} is ${info.type === 'ArrayOfString' ? 'a list of strings' : `of type ${info.type}`}; test it with ${FAMILY_FOR_TYPE[info.type]}, not ${base.name}.`, opSpan);
  }
  checkValues(ctx, st, c, base.family, info);
  checkSupport(ctx, st, c, info);
}

/** The same key twice under one operator, differing only in case: IAM rejects the policy. */
function checkCaseDuplicates(ctx: CheckContext, st: StatementModel): void {
  const seen = new Set<string>();
  for (const c of st.conditions) {
    const id = `${c.operator}\u0000${c.key.toLowerCase()}`;
    if (seen.has(id)) ctx.findings.add('duplicate-condition-key', 'error', `${c.key} appears twice under ${c.operator} (condition keys are case-insensitive); merge the values into one entry.`, { offset: c.keyOffset, length: c.keyLength });
    seen.add(id);
  }
}

/** Deny on `Bool aws:MultiFactorAuthPresent false` misses long-term credentials, where the key is absent. */
function checkMfaGap(ctx: CheckContext, st: StatementModel): void {
  if (st.effect !== 'Deny') return;
  for (const c of st.conditions) {
    if (c.operator !== 'Bool' || c.key.toLowerCase() !== 'aws:multifactorauthpresent' || !c.values.some((v) => v.value.toLowerCase() === 'false')) continue;
    const opSpan = { offset: c.operatorKeyOffset, length: c.operatorKeyLength };
    ctx.findings.add('mfa-condition-gap', 'warning', 'aws:MultiFactorAuthPresent is absent for long-term access keys, so this Deny does not apply to them; use BoolIfExists.', opSpan, operatorFix(ctx, st, c, 'BoolIfExists'));
  }
}

/** aws:username exists only for IAM users: in a statement for roles alone, a condition using it never matches. */
function checkUsernameForRoles(ctx: CheckContext, st: StatementModel): void {
  if (st.notPrincipal || st.principalDynamic || !st.principals.length) return;
  const roles = st.principals.every((p) => p.type === 'AWS' && ['role', 'assumed-role'].includes(parseAwsPrincipal(p.value)?.kind ?? ''));
  if (!roles) return;
  for (const c of st.conditions) {
    if (c.parsed && trueWhenAbsent(c)) continue;
    for (const v of c.values) {
      if (/\$\{aws:username\}/i.test(v.value)) ctx.findings.add('invalid-variable', 'warning', '${aws:username} is present only for IAM users, and every principal of this statement is a role, so this condition never matches; use ${aws:userid} or aws:PrincipalTag.', spanOf(v.node));
    }
  }
}

export function checkConditions(ctx: CheckContext): void {
  for (const st of ctx.model.statements) {
    for (const c of st.conditions) checkCondition(ctx, st, c);
    checkUsernameForRoles(ctx, st);
    checkCaseDuplicates(ctx, st);
    checkMfaGap(ctx, st);
    const services = st.principals.filter((p) => p.type === 'Service');
    if (services.length && services.length === st.principals.length && !st.notPrincipal) {
      for (const c of st.conditions) {
        if (c.key.toLowerCase() === 'kms:viaservice' && c.parsed && !trueWhenAbsent(c)) {
          ctx.findings.add('via-service-with-service-principal', 'warning', 'A service principal calls KMS as itself, so kms:ViaService is absent and this statement never applies; use aws:SourceArn/aws:SourceAccount instead.', keySpan({ keyOffset: c.keyOffset, keyLength: c.keyLength }));
        }
      }
    }
  }
}
