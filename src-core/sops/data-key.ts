/**
 * The data key of a SOPS file (sops.go `GetDataKeyWithKeyServices`, `UpdateMasterKeysWithKeyServices`;
 * kms/keysource.go for the KMS calls: Encrypt/Decrypt with KeyId = the entry's ARN and the entry's
 * `context` as encryption context). Only KMS entries are used here; other entries are kept untouched.
 */
import type { Clock, Random } from '../ports';
import type { KmsCrypto } from '../encryption-sdk/key-provider';
import { SopsError } from './sops-error';
import type { KmsEntry, MasterKey, SopsMetadata } from './metadata';
import { combineShares, splitSecret } from './shamir';

/** Where sops makes one entry's KMS calls (kms/keysource.go `createKMSConfig`): its ARN's Region, through its role. */
export interface KmsCallTarget {
  region?: string;
  /** The IAM role to assume first (sops: STS AssumeRole, session name `sops@<hostname>`). */
  role?: string;
}

/**
 * KMS for SOPS files. Hosts that can call another Region or assume a role give `forKey`; without it
 * every call goes through this connection and an entry with a role cannot be used.
 */
export interface SopsKms extends KmsCrypto {
  forKey?(target: KmsCallTarget): KmsCrypto | Promise<KmsCrypto>;
}

/** kms/keysource.go `arnRegex`: the Region of a KMS key or alias ARN (undefined for a bare key id or alias name). */
export function regionOfArn(arn: string): string | undefined {
  return /^arn:aws[\w-]*:kms:(.+):[0-9]+:(?:key|alias)\/.+$/.exec(arn)?.[1];
}

/** The KMS that makes an entry's calls, in its ARN's Region and through its role, as sops does. */
async function kmsForEntry(kms: SopsKms, arn: string, role: string | undefined): Promise<KmsCrypto> {
  if (kms.forKey) return kms.forKey({ region: regionOfArn(arn), ...(role ? { role } : {}) });
  if (role) throw new SopsError('unsupported', `KMS key ${arn} is used through role ${role}, which this connection cannot assume`, { name: 'AccessDeniedException' });
  return kms;
}

/** A KMS key to protect a new data key with (`.sops.yaml` or `--kms`). */
export interface KmsRecipient {
  arn: string;
  role?: string;
  context?: Record<string, string>;
  awsProfile?: string;
}

/** One line per key, for status bars and messages: never key material. */
export function describeKey(key: MasterKey): string {
  if (key.kind === 'kms') return `kms ${key.entry.arn}`;
  const e = key.entry;
  const name = e.recipient ?? e.fp ?? e.resource_id ?? e.key_id ?? (e.vault_url ? `${String(e.vault_url)}/${String(e.name)}` : undefined) ?? (e.vault_address ? `${String(e.vault_address)}/${String(e.key_name)}` : undefined);
  return `${key.kind} ${String(name ?? '')}`.trim();
}

function reason(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** cmd/sops/common KMS_ENC_CTX_BUG_FIXED_VERSION: files written before it may have a mangled KMS encryption context. */
const KMS_ENC_CTX_BUG_FIXED_VERSION = '3.3.0';

/**
 * version.AIsNewerThanB(a, b): semver order, with sops 1.x versions (not semver) older than any
 * other. Undefined when either is not a version (sops then refuses the comparison).
 */
export function isNewerVersion(a: string, b: string): boolean | undefined {
  if (b.startsWith('1.')) return true;
  const parse = (v: string) => /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  const [va, vb] = [parse(a), parse(b)];
  if (!va || !vb) return undefined;
  for (let i = 1; i <= 3; i++) if (Number(va[i]) !== Number(vb[i])) return Number(va[i]) > Number(vb[i]);
  // A pre-release is older than its release; two pre-releases compare as text (close enough for sops's versions).
  if (!va[4] !== !vb[4]) return !va[4];
  return (va[4] ?? '') > (vb[4] ?? '');
}

/**
 * The contexts sops before 3.3.0 may have encrypted an entry's data key under when its context had
 * several different values (mozilla/sops#435: every key got the same one of the values). As in
 * common.go `RecoverDataKeyFromBuggyKMS`: one candidate per distinct value, every key mapped to it.
 */
function buggyContexts(entry: KmsEntry, version: string): Array<Record<string, string>> {
  const context = entry.context ?? {};
  const values = [...new Set(Object.values(context))];
  if (values.length < 2 || !isNewerVersion(KMS_ENC_CTX_BUG_FIXED_VERSION, version)) return [];
  return values.map((value) => Object.fromEntries(Object.keys(context).map((k) => [k, value])));
}

interface GroupResult {
  part?: Uint8Array;
  failures: string[];
  /** The entry whose data key was found under a pre-3.3.0 context, encrypted again under its own (for the next save). */
  repaired?: { index: number; entry: KmsEntry };
}

async function decryptGroup(group: MasterKey[], kms: SopsKms, version: string): Promise<GroupResult> {
  const failures: string[] = [];
  for (const [index, key] of group.entries()) {
    if (key.kind !== 'kms') {
      failures.push(`${describeKey(key)} (only KMS keys are used here)`);
      continue;
    }
    const { entry } = key;
    try {
      const blob = Buffer.from(entry.enc, 'base64');
      const entryKms = await kmsForEntry(kms, entry.arn, entry.role);
      try {
        return { part: (await entryKms.decrypt(blob, entry.context ?? {}, entry.arn)).plaintext, failures };
      } catch (e) {
        for (const context of buggyContexts(entry, version)) {
          const part = await entryKms.decrypt(blob, context, entry.arn).then((r) => r.plaintext, () => undefined);
          if (!part) continue;
          // sops fixes the file (UpdateMasterKeysWithKeyServices) on its next write: so do we, for this entry.
          const { ciphertextBlob } = await entryKms.encrypt(entry.arn, part, entry.context ?? {});
          return { part, failures, repaired: { index, entry: { ...entry, enc: Buffer.from(ciphertextBlob).toString('base64') } } };
        }
        throw e;
      }
    } catch (e) {
      failures.push(`${describeKey(key)} (${reason(e)})`);
    }
  }
  return { failures };
}

/** The data key and the key groups to write on the next save (entries repaired from the pre-3.3.0 context bug). */
export interface RecoveredDataKey {
  dataKey: Uint8Array;
  keyGroups: MasterKey[][];
}

/** The data key, from the first usable KMS entry of each group; with several groups, from enough Shamir shares. */
export async function recoverDataKey(meta: SopsMetadata, kms: SopsKms): Promise<RecoveredDataKey> {
  const results: GroupResult[] = [];
  for (const group of meta.keyGroups) results.push(await decryptGroup(group, kms, meta.version));
  const keyGroups = !results.some((r) => r.repaired) ? meta.keyGroups : meta.keyGroups.map((group, g) => {
    const repaired = results[g].repaired;
    return repaired ? group.map((k, i): MasterKey => (i === repaired.index ? { kind: 'kms', entry: repaired.entry } : k)) : group;
  });
  const parts = results.flatMap((r) => (r.part ? [r.part] : []));
  if (meta.keyGroups.length === 1) {
    if (parts[0]) return { dataKey: parts[0], keyGroups };
    throw new SopsError('no-key', `none of the file's keys could decrypt its data key: ${results[0].failures.join('; ')}`, { name: 'AccessDeniedException' });
  }
  const threshold = meta.shamirThreshold ?? meta.keyGroups.length;
  if (parts.length < threshold) {
    const missing = results.flatMap((r, i) => (r.part ? [] : [`group ${i + 1}: ${r.failures.join('; ') || 'no keys'}`]));
    throw new SopsError('no-key', `the data key needs ${threshold} of ${meta.keyGroups.length} key groups and only ${parts.length} could be used; missing ${missing.join(' | ')}`, { name: 'AccessDeniedException' });
  }
  return { dataKey: combineShares(parts.slice(0, Math.max(threshold, 2))), keyGroups };
}

/** RFC 3339 in UTC to the second, as SOPS writes times. */
export function sopsTime(clock: Clock): string {
  return new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Protects a new data key with every recipient (its Shamir share when there are several groups).
 * Groups of other kinds of keys cannot be written here, so they are refused rather than dropped.
 */
export async function protectDataKey(
  dataKey: Uint8Array,
  groups: KmsRecipient[][],
  shamirThreshold: number | undefined,
  env: { kms: SopsKms; random: Random; clock: Clock },
): Promise<{ keyGroups: MasterKey[][]; shamirThreshold?: number }> {
  if (!groups.length || groups.some((g) => !g.length)) throw new SopsError('config', 'every key group needs at least one KMS key');
  const threshold = groups.length > 1 ? (shamirThreshold ?? groups.length) : undefined;
  const shares = threshold ? splitSecret(dataKey, groups.length, threshold, env.random) : [dataKey];
  const createdAt = sopsTime(env.clock);
  const keyGroups: MasterKey[][] = [];
  for (const [i, group] of groups.entries()) {
    const entries: MasterKey[] = [];
    for (const r of group) {
      const entryKms = await kmsForEntry(env.kms, r.arn, r.role);
      const { ciphertextBlob } = await entryKms.encrypt(r.arn, shares[i], r.context ?? {});
      const entry: KmsEntry = { arn: r.arn, created_at: createdAt, enc: Buffer.from(ciphertextBlob).toString('base64'), aws_profile: r.awsProfile ?? '' };
      if (r.role) entry.role = r.role;
      if (r.context && Object.keys(r.context).length) entry.context = r.context;
      entries.push({ kind: 'kms', entry });
    }
    keyGroups.push(entries);
  }
  return threshold ? { keyGroups, shamirThreshold: threshold } : { keyGroups };
}
