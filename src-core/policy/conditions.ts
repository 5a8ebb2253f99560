/**
 * Condition evaluation with AWS's rules: keys are case-insensitive; several values for one key are
 * OR'ed; a key absent from the request makes positive operators false and negated ones, IfExists and
 * ForAllValues true; ForAnyValue/ForAllValues compare sets; policy variables expand in String and ARN
 * operators (policy Version 2012-10-17 only).
 */
import type { ConditionValues } from '../kms/operation-context';
import type { OperatorInfo } from './data';
import { arnMatch, expandVariables, ipInRange, parseDate, parseNumber, piecesMatch, type VariableLookup } from './match';
import type { ConditionRef } from './model';

/** Request values by lower-case key name; each value a list of strings (single-valued keys have one). */
export type RequestValues = Map<string, string[]>;

function asStrings(v: ConditionValues[string]): string[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/** Normalises request condition values: lower-case names, string lists. Later entries override earlier ones. */
export function requestValues(...sources: ConditionValues[]): RequestValues {
  const out: RequestValues = new Map();
  for (const src of sources) {
    for (const [k, v] of Object.entries(src)) {
      const s = asStrings(v);
      if (s) out.set(k.toLowerCase(), s);
    }
  }
  return out;
}

export function variableLookup(values: RequestValues): VariableLookup {
  return (name) => {
    const v = values.get(name.toLowerCase());
    return v && v.length === 1 ? v[0] : undefined;
  };
}

function compareNumbers(op: string, a: number, b: number): boolean {
  if (op.endsWith('LessThanEquals')) return a <= b;
  if (op.endsWith('LessThan')) return a < b;
  if (op.endsWith('GreaterThanEquals')) return a >= b;
  if (op.endsWith('GreaterThan')) return a > b;
  return a === b;
}

/** The positive comparison of one request value with one policy value (negation is applied by the caller). */
function matchesOne(base: OperatorInfo, policyValue: string, requestValue: string, lookup: VariableLookup, variables: boolean): boolean {
  switch (base.family) {
    case 'String': {
      const pieces = variables ? expandVariables(policyValue, lookup, base.wildcards) : [{ text: policyValue, wild: base.wildcards }];
      return pieces !== undefined && piecesMatch(pieces, requestValue, base.ignoreCase ?? false);
    }
    case 'Arn':
      return arnMatch(policyValue, requestValue, lookup, variables);
    case 'Numeric': {
      const a = parseNumber(requestValue);
      const b = parseNumber(policyValue);
      return a !== undefined && b !== undefined && compareNumbers(base.name, a, b);
    }
    case 'Date': {
      const a = parseDate(requestValue);
      const b = parseDate(policyValue);
      return a !== undefined && b !== undefined && compareNumbers(base.name, a, b);
    }
    case 'Bool':
      return requestValue.toLowerCase() === policyValue.toLowerCase();
    case 'Binary':
      return requestValue === policyValue;
    case 'IpAddress':
      return ipInRange(policyValue, requestValue);
    case 'Null':
      return false;
  }
}

/** Is one condition (operator + key + values) true for this request? */
export function conditionHolds(c: ConditionRef, values: RequestValues, variables: boolean): boolean {
  const parsed = c.parsed;
  // An unknown operator never holds (KMS would have rejected the policy).
  if (!parsed) return false;
  const requested = values.get(c.key.toLowerCase());
  const present = requested !== undefined && requested.length > 0;
  const { base, qualifier, ifExists } = parsed;
  if (base.family === 'Null') return c.values.some((v) => (v.value.toLowerCase() === 'true' ? !present : v.value.toLowerCase() === 'false' ? present : false));
  if (!present) {
    if (qualifier === 'ForAllValues') return true;
    if (qualifier === 'ForAnyValue') return false;
    return ifExists || base.negated;
  }
  const lookup = variableLookup(values);
  // A request value satisfies the operator when it matches some policy value (negated: matches none).
  const satisfies = (rv: string) => {
    const hit = c.values.some((pv) => matchesOne(base, pv.value, rv, lookup, variables));
    return base.negated ? !hit : hit;
  };
  if (qualifier === 'ForAllValues') return requested.every(satisfies);
  if (qualifier === 'ForAnyValue') return requested.some(satisfies);
  return base.negated ? requested.every(satisfies) : requested.some(satisfies);
}
