/**
 * The audit log's tamper evidence: each entry carries the hash of the one before it, so editing,
 * removing, inserting or reordering entries breaks the chain at that point. Removing entries from the
 * end leaves a valid chain, so the log keeps its head (last seq and hash) beside it and verification
 * checks that the log still reaches it.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import type { CloudTrailEvent } from './event';

export interface AuditEntry {
  /** 1 for the first entry, then consecutive. */
  seq: number;
  prevHash: string;
  /**
   * Of prevHash followed by the canonical JSON of { seq, event }: an HMAC-SHA256 under the chain key
   * (derived from the root key) when `keyed`, a plain SHA-256 in logs written before chains were keyed.
   */
  hash: string;
  keyed?: true;
  event: CloudTrailEvent;
}

/** What verification can rely on beyond the log itself. */
export interface ChainTrust {
  /** The chain key; without it keyed entries are checked for linkage only. */
  key?: Uint8Array;
  /** The entry the keyring last recorded as the log's head (written with the keyring, under the root key). */
  anchor?: AuditHead;
}

/** The key of the audit chain: HKDF of the root key with its own label, so it is never the key that encrypts the keyring. */
export function chainKey(rootKey: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', rootKey, new Uint8Array(0), 'kms-workbench audit chain v1', 32));
}

/** The last entry of a log, kept apart from it so truncation is detected. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export type ChainVerdict = { ok: true; count: number; notes?: string[] } | { ok: false; index: number; reason: string };

export function appendEntry(prev: AuditHead | undefined, event: CloudTrailEvent, key?: Uint8Array): AuditEntry {
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  return key ? { seq, prevHash, hash: entryHash(prevHash, seq, event, key), keyed: true, event } : { seq, prevHash, hash: entryHash(prevHash, seq, event), event };
}

/**
 * Checks every link. `index` is the position of the first entry that does not fit (entries.length
 * when the log stops short of its head).
 */
export function verifyChain(entries: readonly AuditEntry[], head?: AuditHead, trust?: ChainTrust): ChainVerdict {
  let prevHash = GENESIS_HASH;
  let firstKeyed: number | undefined;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    if (entry.keyed) firstKeyed ??= index;
    else if (firstKeyed !== undefined) {
      return { ok: false, index, reason: `entry ${index + 1} is unkeyed after keyed entries: the chain was rewritten without the root key` };
    }
    if (entry.seq !== index + 1) {
      return { ok: false, index, reason: `entry ${index + 1} has sequence number ${entry.seq}: an entry was removed, inserted or moved here` };
    }
    if (entry.prevHash !== prevHash) {
      return { ok: false, index, reason: `entry ${entry.seq} does not follow the entry before it: an entry was removed, inserted or moved here` };
    }
    // Without the key a keyed entry can only be checked for its place in the chain.
    const expected = entry.keyed ? (trust?.key ? entryHash(entry.prevHash, entry.seq, entry.event, trust.key) : entry.hash) : entryHash(entry.prevHash, entry.seq, entry.event);
    if (entry.hash !== expected) {
      return { ok: false, index, reason: `entry ${entry.seq} was changed after it was written` };
    }
    prevHash = entry.hash;
  }
  if (head) {
    // A crash between appending an entry and updating the head leaves the head behind the log, never ahead.
    if (!Number.isInteger(head.seq) || head.seq < 1 || typeof head.hash !== 'string') {
      return { ok: false, index: entries.length, reason: 'the head kept beside the log is damaged, so a cut at the end cannot be ruled out' };
    }
    const atHead = entries[head.seq - 1];
    if (!atHead) {
      return { ok: false, index: entries.length, reason: `the log ends at entry ${entries.length} but its head records entry ${head.seq}: entries were removed from the end` };
    }
    if (atHead.hash !== head.hash) {
      return { ok: false, index: head.seq - 1, reason: `entry ${head.seq} differs from the one the head records: the log was rewritten` };
    }
  }
  if (!trust) return { ok: true, count: entries.length };
  const anchor = trust.anchor;
  if (anchor) {
    const atAnchor = entries[anchor.seq - 1];
    if (!atAnchor) return { ok: false, index: entries.length, reason: `the keyring records entry ${anchor.seq} of the log, which ends at entry ${entries.length}: entries were removed (with the head beside the log)` };
    if (atAnchor.hash !== anchor.hash) return { ok: false, index: anchor.seq - 1, reason: `entry ${anchor.seq} differs from the one the keyring records: the log was rewritten` };
  }
  const notes: string[] = [];
  const unkeyed = firstKeyed ?? entries.length;
  if (unkeyed > 0) notes.push(`entries 1–${unkeyed} are unkeyed, written before KMS Workbench keyed its audit chain: they show accidental damage, not tampering`);
  if (firstKeyed !== undefined) notes.push(trust.key ? `entries ${firstKeyed + 1}–${entries.length} are keyed and were checked with the root key` : `entries ${firstKeyed + 1}–${entries.length} are keyed; without the root key only their order was checked`);
  if (anchor) notes.push(`the keyring anchors the log at entry ${anchor.seq}`);
  return notes.length ? { ok: true, count: entries.length, notes } : { ok: true, count: entries.length };
}

function entryHash(prevHash: string, seq: number, event: CloudTrailEvent, key?: Uint8Array): string {
  const digest = key ? createHmac('sha256', key) : createHash('sha256');
  return digest.update(prevHash).update(canonicalJson({ seq, event })).digest('hex');
}

/** JSON with object keys sorted, so a hash does not depend on the order members were written in. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const members = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${members.join(',')}}`;
}
