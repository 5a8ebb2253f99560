/**
 * The `sops` metadata of a file, after stores/stores.go (`metadata`, `ToInternal`,
 * `metadataFromInternal`) and stores/metadata.go (`SerializeMetadata`: keys sorted by name) and
 * stores/flatten.go (the `__map_`/`__list_` keys of dotenv and INI files). KMS entries are read;
 * every other kind of key (age, pgp, gcp_kms, azure_kv, hc_vault, hckms) is kept exactly as found,
 * so a save never drops a recipient we cannot use.
 */
import { SopsError } from './sops-error';
import type { EncryptionRules } from './tree';

export interface KmsEntry {
  arn: string;
  role?: string;
  context?: Record<string, string>;
  created_at: string;
  /** base64 of the KMS ciphertext blob of the data key (or of its Shamir share). */
  enc: string;
  aws_profile: string;
}

export const KEY_KINDS = ['kms', 'gcp_kms', 'hckms', 'azure_kv', 'hc_vault', 'age', 'pgp'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export type MasterKey = { kind: 'kms'; entry: KmsEntry } | { kind: Exclude<KeyKind, 'kms'>; entry: Record<string, unknown> };

export interface SopsMetadata extends EncryptionRules {
  keyGroups: MasterKey[][];
  shamirThreshold?: number;
  /** RFC 3339, as stored; the MAC is bound to it. */
  lastModified: string;
  mac: string;
  version: string;
}

/** The SOPS release whose file format this module writes (the `version` of files we create). */
export const SOPS_FORMAT_VERSION = '3.13.2';
export const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown, field: string, required = false): string | undefined {
  if (v === undefined || v === null) {
    if (required) throw new SopsError('malformed', `the sops metadata has no ${field}`);
    return undefined;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().replace(/\.000Z$/, 'Z');
  throw new SopsError('malformed', `the sops metadata field ${field} is not text`);
}

function list(v: unknown, field: string): Raw[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every(isRecord)) throw new SopsError('malformed', `the sops metadata field ${field} is not a list of entries`);
  return v;
}

function kmsEntry(raw: Raw): KmsEntry {
  const arn = text(raw.arn, 'kms.arn', true)!;
  const context = raw.context;
  if (context !== undefined && context !== null && !isRecord(context)) throw new SopsError('malformed', `the encryption context of KMS key ${arn} is not a map`);
  const entry: KmsEntry = { arn, created_at: text(raw.created_at, 'kms.created_at') ?? '', enc: text(raw.enc, 'kms.enc', true)!, aws_profile: text(raw.aws_profile, 'kms.aws_profile') ?? '' };
  const role = text(raw.role, 'kms.role');
  if (role) entry.role = role;
  if (isRecord(context) && Object.keys(context).length) entry.context = Object.fromEntries(Object.entries(context).map(([k, v]) => [k, text(v, `kms.context.${k}`) ?? '']));
  return entry;
}

/** stores.go `internalGroupFrom`: the order SOPS gives a group's keys. */
function groupOf(raw: Raw): MasterKey[] {
  const group: MasterKey[] = [];
  for (const kind of ['kms', 'gcp_kms', 'hckms', 'azure_kv', 'hc_vault', 'pgp', 'age'] as const) {
    for (const entry of list(raw[kind], kind)) group.push(kind === 'kms' ? { kind, entry: kmsEntry(entry) } : { kind, entry });
  }
  return group;
}

function int(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : /^\d+$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0) throw new SopsError('malformed', `the sops metadata field ${field} is not a whole number`);
  return n;
}

/** RFC 3339 as Go's time.Format(time.RFC3339) writes it back (no fractional seconds): the MAC's additional data. */
export function rfc3339(lastModified: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.exec(lastModified);
  if (!m) throw new SopsError('malformed', `the sops metadata lastmodified "${lastModified}" is not an RFC 3339 time`);
  return `${m[1]}${m[2].toUpperCase()}`;
}

/** stores.go `ToInternal`: reads the (unflattened) `sops` map. */
export function parseMetadata(raw: unknown): SopsMetadata {
  if (!isRecord(raw)) throw new SopsError('malformed', 'the sops metadata is not a map');
  const topLevel = groupOf(raw);
  const keyGroups = topLevel.length ? [topLevel] : list(raw.key_groups, 'key_groups').map(groupOf);
  if (!keyGroups.length) throw new SopsError('malformed', 'the sops metadata lists no keys');
  const meta: SopsMetadata = {
    keyGroups,
    lastModified: text(raw.lastmodified, 'lastmodified', true)!,
    mac: text(raw.mac, 'mac') ?? '',
    version: text(raw.version, 'version') ?? '',
  };
  rfc3339(meta.lastModified);
  const threshold = int(raw.shamir_threshold, 'shamir_threshold');
  if (threshold) meta.shamirThreshold = threshold;
  const rules = ['unencrypted_suffix', 'encrypted_suffix', 'unencrypted_regex', 'encrypted_regex', 'unencrypted_comment_regex', 'encrypted_comment_regex'] as const;
  const fields = ['unencryptedSuffix', 'encryptedSuffix', 'unencryptedRegex', 'encryptedRegex', 'unencryptedCommentRegex', 'encryptedCommentRegex'] as const;
  let count = 0;
  rules.forEach((rule, i) => {
    const value = text(raw[rule], rule);
    if (value) {
      meta[fields[i]] = value;
      count++;
    }
  });
  if (count > 1) throw new SopsError('malformed', `a file may use only one of ${rules.join(', ')}`);
  if (count === 0) meta.unencryptedSuffix = DEFAULT_UNENCRYPTED_SUFFIX;
  const macOnly = raw.mac_only_encrypted;
  if (macOnly === true || macOnly === 'true') meta.macOnlyEncrypted = true;
  return meta;
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted(value[k])]));
}

function serializeGroup(group: MasterKey[], inKeyGroups: boolean): Raw {
  const out: Raw = {};
  for (const kind of KEY_KINDS) {
    const entries = group.filter((k) => k.kind === kind).map((k) => {
      if (k.kind !== 'kms') return k.entry;
      const { role, context, ...rest } = k.entry;
      return { ...rest, ...(role ? { role } : {}), ...(context && Object.keys(context).length ? { context } : {}) };
    });
    // keygroup's hc_vault and age have no omitempty in stores.go, so SOPS writes them empty.
    if (entries.length || (inKeyGroups && (kind === 'hc_vault' || kind === 'age'))) out[kind] = entries;
  }
  return out;
}

/** stores.go `metadataFromInternal` + `SerializeMetadata`: the `sops` map as SOPS writes it, keys sorted. */
export function serializeMetadata(meta: SopsMetadata): Raw {
  const out: Raw = meta.keyGroups.length === 1 ? serializeGroup(meta.keyGroups[0], false) : { key_groups: meta.keyGroups.map((g) => serializeGroup(g, true)) };
  if (meta.shamirThreshold) out.shamir_threshold = meta.shamirThreshold;
  out.lastmodified = meta.lastModified;
  out.mac = meta.mac;
  if (meta.unencryptedSuffix) out.unencrypted_suffix = meta.unencryptedSuffix;
  if (meta.encryptedSuffix) out.encrypted_suffix = meta.encryptedSuffix;
  if (meta.unencryptedRegex) out.unencrypted_regex = meta.unencryptedRegex;
  if (meta.encryptedRegex) out.encrypted_regex = meta.encryptedRegex;
  if (meta.unencryptedCommentRegex) out.unencrypted_comment_regex = meta.unencryptedCommentRegex;
  if (meta.encryptedCommentRegex) out.encrypted_comment_regex = meta.encryptedCommentRegex;
  if (meta.macOnlyEncrypted) out.mac_only_encrypted = true;
  out.version = meta.version;
  return sorted(out) as Raw;
}

const MAP = '__map_';
const LIST = '__list_';

/** stores/flatten.go `flattenTreeBranch`: nested maps and lists become `a__map_b`, `a__list_0` keys. */
export function flattenMetadata(raw: Raw): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const descend = (value: unknown, key: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => descend(v, `${key}${LIST}${i}`));
    else if (isRecord(value)) for (const [k, v] of Object.entries(value)) descend(v, `${key}${MAP}${k}`);
    else out.push([key, typeof value === 'string' ? value : String(value)]);
  };
  for (const [k, v] of Object.entries(raw)) descend(v, k);
  return out;
}

/** stores/flatten.go `unflattenTreeBranch`. */
export function unflattenMetadata(entries: Array<[string, string]>): Raw {
  const root: Raw = {};
  for (const [key, value] of entries) {
    const tokens = key.split(/(?=__map_|__list_)/);
    let node: Raw | unknown[] = root;
    tokens.forEach((token, i) => {
      const name = token.startsWith(MAP) ? token.slice(MAP.length) : token.startsWith(LIST) ? Number(token.slice(LIST.length)) : token;
      const last = i === tokens.length - 1;
      const next = tokens[i + 1];
      const container = node as Record<string | number, unknown>;
      if (last) container[name] = value;
      else container[name] ??= next.startsWith(LIST) ? [] : {};
      node = container[name] as Raw;
    });
  }
  return root;
}
