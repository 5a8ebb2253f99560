/**
 * Matching primitives of the IAM policy language: wildcards, policy variables, ARNs, IP ranges,
 * dates. Pure functions so the evaluator and the checks agree on what a value means.
 */

/** A pattern piece: literal text, or text whose `*`/`?` are wildcards. */
interface Piece {
  text: string;
  wild: boolean;
}

/**
 * Glob match of pieces against a value: `*` any run, `?` one character, in wild pieces only. Iterative
 * with one backtrack point (the last `*`), so time is at most pattern × value even for patterns such as
 * "a*a*a*a*b" that make regular expressions backtrack exponentially.
 */
function globMatch(pieces: Piece[], value: string, ignoreCase: boolean): boolean {
  let pattern = '';
  const wild: boolean[] = [];
  for (const p of pieces) {
    pattern += ignoreCase ? p.text.toLowerCase() : p.text;
    for (let k = 0; k < p.text.length; k++) wild.push(p.wild);
  }
  const s = ignoreCase ? value.toLowerCase() : value;
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < s.length) {
    if (i < pattern.length && wild[i] && pattern[i] === '*') {
      star = i++;
      mark = j;
    } else if (i < pattern.length && ((wild[i] && pattern[i] === '?') || pattern[i] === s[j])) {
      i++;
      j++;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else {
      return false;
    }
  }
  while (i < pattern.length && wild[i] && pattern[i] === '*') i++;
  return i === pattern.length;
}

/** `*` and `?` wildcard match (actions are case-insensitive, most other values are not). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  return globMatch([{ text: pattern, wild: true }], value, ignoreCase);
}

export type VariableLookup = (name: string) => string | undefined;

/** `${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, and the escapes `${*}`, `${?}`, `${$}`. */
const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Substitutes policy variables into pattern pieces: variable values are literal (a `*` in a user
 * name is not a wildcard). Undefined when a variable has no value and no default (the value then
 * matches nothing, as in IAM).
 */
export function expandVariables(text: string, lookup: VariableLookup, wild: boolean): Piece[] | undefined {
  if (!text.includes('${')) return [{ text, wild }];
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE)) {
    if (m.index! > last) pieces.push({ text: text.slice(last, m.index), wild });
    const body = m[1].trim();
    if (body === '*' || body === '?' || body === '$') {
      pieces.push({ text: body, wild: false });
    } else {
      const comma = body.indexOf(',');
      const name = (comma >= 0 ? body.slice(0, comma) : body).trim();
      const dflt = comma >= 0 ? /^\s*'([^']*)'\s*$/.exec(body.slice(comma + 1))?.[1] : undefined;
      const value = lookup(name) ?? dflt;
      if (value === undefined) return undefined;
      pieces.push({ text: value, wild: false });
    }
    last = m.index! + m[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), wild });
  return pieces;
}

/** Matches a policy value (with variables already expanded into pieces) against a request value. */
export function piecesMatch(pieces: Piece[], value: string, ignoreCase: boolean): boolean {
  if (pieces.length === 1 && (!pieces[0].wild || !/[*?]/.test(pieces[0].text))) {
    return ignoreCase ? pieces[0].text.toLowerCase() === value.toLowerCase() : pieces[0].text === value;
  }
  return globMatch(pieces, value, ignoreCase);
}

/** Splits an ARN into its six parts (the resource part may contain colons). */
export function splitArn(arn: string): string[] | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Splits policy text at colons outside `${…}` variables, into at most six ARN parts. */
function splitArnPattern(text: string): string[] | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '$' && text[i + 1] === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    if (ch === ':' && depth === 0 && parts.length < 5) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.length === 6 ? parts : undefined;
}

/**
 * ArnLike/ArnEquals: each of the six parts matched separately with wildcards (so `*` never crosses
 * a colon before the resource part). A pattern that starts like an ARN but has fewer parts matches no
 * ARN; a pattern or value that is not ARN-shaped (e.g. "*") is matched as a whole string.
 */
export function arnMatch(patternText: string, value: string, lookup: VariableLookup, variables: boolean): boolean {
  const p = splitArnPattern(patternText);
  const v = splitArn(value);
  if (!p && v && patternText.startsWith('arn:')) return false;
  if (!p || !v) {
    const pieces = variables ? expandVariables(patternText, lookup, true) : [{ text: patternText, wild: true }];
    return pieces !== undefined && piecesMatch(pieces, value, false);
  }
  return p.every((part, i) => {
    const pieces = variables ? expandVariables(part, lookup, true) : [{ text: part, wild: true }];
    return pieces !== undefined && piecesMatch(pieces, v[i], false);
  });
}

/** IPv4/IPv6 address or CIDR → [bits, prefixLength, width]; undefined when malformed. */
export function parseCidr(text: string): { bits: bigint; prefix: number; width: 32 | 128 } | undefined {
  const [addr, pfx, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const v4 = parseIPv4(addr);
  const v6 = v4 === undefined ? parseIPv6(addr) : undefined;
  const width = v4 !== undefined ? 32 : 128;
  const bits = v4 ?? v6;
  if (bits === undefined) return undefined;
  let prefix = width;
  if (pfx !== undefined) {
    if (!/^\d{1,3}$/.test(pfx)) return undefined;
    prefix = Number(pfx);
    if (prefix > width) return undefined;
  }
  return { bits, prefix, width };
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out = (out << 8n) | BigInt(Number(p));
  }
  return out;
}

function parseIPv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split('::').length > 2) return undefined;
  let tail4: bigint | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    text = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8 || (tail !== undefined && h.length + t.length > 7)) return undefined;
  let out = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out = (out << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== undefined) out = (out & ~0xffffffffn) | tail4;
  return out;
}

/** Is the address inside the CIDR range (same family only)? */
export function ipInRange(range: string, address: string): boolean {
  const r = parseCidr(range);
  const a = parseCidr(address);
  if (!r || !a || r.width !== a.width) return false;
  const shift = BigInt(r.width - r.prefix);
  return r.bits >> shift === a.bits >> shift;
}

/** ISO 8601 date/time or epoch seconds → epoch ms; undefined when neither. */
export function parseDate(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text * 1000 : undefined;
  const s = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}([Tt ][0-9:.]+([Zz]|[+-]\d{2}:?\d{2})?)?$/.test(s)) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

export function parseNumber(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  if (!/^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

export function isBase64(text: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text);
}
