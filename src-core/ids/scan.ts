/**
 * Finds KMS identifiers (key ARNs, alias ARNs, key IDs, multi-Region key IDs, alias names) in any text,
 * with their offsets and what is wrong with their shape. Pure and linear: one regex pass over the text,
 * capped, so the language server can run it on every open file without stalling on a large one.
 */
import { ACCOUNT_ID_PATTERN, ALIAS_NAME_PATTERN, MRK_ID_PATTERN, PARTITIONS, REGION_PATTERN, parseKeyIdentifier, partitionOf, type KeyIdentifier } from './identifiers';

export type IdentifierKind = 'keyArn' | 'aliasArn' | 'keyId' | 'mrkId' | 'aliasName';

export interface ShapeProblem {
  code: 'malformed-key-arn' | 'malformed-alias-arn' | 'malformed-key-id' | 'malformed-alias-name' | 'wrong-partition' | 'unknown-region';
  message: string;
}

export interface IdentifierMatch {
  kind: IdentifierKind;
  text: string;
  offset: number;
  length: number;
  /** Set when the text is a well-formed identifier. */
  parsed?: KeyIdentifier;
  /** Wildcards or policy variables (`key/*`, `alias/${aws:username}`): a pattern, not an identifier. */
  pattern: boolean;
  problem?: ShapeProblem;
}

export interface ScanOptions {
  /** Stop after this many matches (default 2000). */
  maxMatches?: number;
}

/** The rest of an ARN or alias: up to a delimiter, keeping policy variables like `${aws:username}` whole. */
const TAIL = /(?:\$\{[^}\s"']*\}|[^\s"'`,;()<>[\]{}|\\])*/.source;

/**
 * ARN and alias candidates are deliberately wider than the grammar (any case, stray characters up to a
 * delimiter) so a near-miss is reported as malformed instead of being silently skipped. A bare UUID counts
 * only in lowercase: an uppercase one is far more often something other than a KMS key ID.
 * Order matters: ARNs first, so their key ID or alias part is not matched again on its own.
 */
const CANDIDATE = new RegExp(
  [
    String.raw`(?<arn>arn:[A-Za-z0-9-]*:kms:[A-Za-z0-9*?-]*:[0-9A-Za-z*?]*:(?:key|alias)\/${TAIL})`,
    String.raw`(?<![A-Za-z0-9/_.:-])(?<alias>alias\/${TAIL})`,
    String.raw`(?<![A-Za-z0-9_-])(?<mrk>mrk-[0-9A-Za-z]+)(?![A-Za-z0-9_-])`,
    String.raw`(?<![A-Za-z0-9_-])(?<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9_-])`,
  ].join('|'),
  'g',
);

/** Punctuation that ends a sentence or a Markdown link rather than belonging to the identifier. */
const TRAILING = /[.:]+$/;
const PATTERN_CHARS = /[*?]|\$\{/;

function checkArn(text: string, kind: 'keyArn' | 'aliasArn'): { parsed?: KeyIdentifier; problem?: ShapeProblem } {
  const parsed = parseKeyIdentifier(text);
  const [, partition, , region, account] = text.split(':');
  if (!parsed || parsed.kind !== kind) {
    const what = kind === 'keyArn' ? 'key ARN' : 'alias ARN';
    const shape = kind === 'keyArn' ? 'arn:PARTITION:kms:REGION:ACCOUNT:key/KEY_ID' : 'arn:PARTITION:kms:REGION:ACCOUNT:alias/NAME';
    const detail = !(PARTITIONS as readonly string[]).includes(partition) ? `the partition must be one of ${PARTITIONS.join(', ')}` : !ACCOUNT_ID_PATTERN.test(account) ? 'the account must be 12 digits' : !region ? 'the Region is missing' : kind === 'keyArn' ? 'the key ID must be a lowercase UUID or mrk- followed by 32 hex digits' : 'the alias name may contain only letters, digits, /, _ and -';
    return { problem: { code: kind === 'keyArn' ? 'malformed-key-arn' : 'malformed-alias-arn', message: `Malformed KMS ${what}: ${detail} (${shape}).` } };
  }
  if (!REGION_PATTERN.test(region)) return { parsed, problem: { code: 'unknown-region', message: `"${region}" is not an AWS Region name.` } };
  const expected = partitionOf(region);
  if (partition !== expected) {
    return { parsed, problem: { code: 'wrong-partition', message: `Region ${region} is in partition "${expected}", but the ARN says "${partition}".` } };
  }
  return { parsed };
}

function classify(kind: IdentifierKind, text: string): Pick<IdentifierMatch, 'parsed' | 'problem'> {
  switch (kind) {
    case 'keyArn':
    case 'aliasArn':
      return checkArn(text, kind);
    case 'aliasName':
      return ALIAS_NAME_PATTERN.test(text)
        ? { parsed: { kind: 'aliasName', aliasName: text } }
        : { problem: { code: 'malformed-alias-name', message: 'Malformed alias name: after "alias/" use only letters, digits, /, _ and -.' } };
    case 'mrkId':
      return MRK_ID_PATTERN.test(text)
        ? { parsed: { kind: 'keyId', keyId: text } }
        : { problem: { code: 'malformed-key-id', message: 'Malformed multi-Region key ID: "mrk-" must be followed by 32 lowercase hex digits.' } };
    case 'keyId':
      return { parsed: { kind: 'keyId', keyId: text } };
  }
}

function kindOf(groups: Record<string, string | undefined>): [IdentifierKind, string] | undefined {
  if (groups.arn) return [groups.arn.includes(':key/') ? 'keyArn' : 'aliasArn', groups.arn];
  if (groups.alias) return ['aliasName', groups.alias];
  if (groups.mrk) return ['mrkId', groups.mrk];
  if (groups.uuid) return ['keyId', groups.uuid];
  return undefined;
}

/** Cheap test for "could this text hold a KMS identifier at all", before the full scan. */
export function mayContainIdentifiers(text: string): boolean {
  return text.includes('kms') || text.includes('alias/') || text.includes('mrk-') || /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-/.test(text);
}

/** Every KMS identifier in `text`, in order of appearance. */
export function scanIdentifiers(text: string, options: ScanOptions = {}): IdentifierMatch[] {
  const max = options.maxMatches ?? 2000;
  const out: IdentifierMatch[] = [];
  if (!mayContainIdentifiers(text)) return out;
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m && out.length < max; m = CANDIDATE.exec(text)) {
    const found = kindOf(m.groups ?? {});
    if (!found) continue;
    const [kind, raw] = found;
    const idText = kind === 'keyArn' || kind === 'aliasArn' || kind === 'aliasName' ? raw.replace(TRAILING, '') : raw;
    const match: IdentifierMatch = { kind, text: idText, offset: m.index, length: idText.length, pattern: PATTERN_CHARS.test(idText) };
    if (!match.pattern) Object.assign(match, classify(kind, idText));
    out.push(match);
  }
  return out;
}
