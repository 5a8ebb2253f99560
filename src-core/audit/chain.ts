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

/** Where a part of the chain starts: the entry before its first (seq 0 and the genesis hash for a whole log), and whether that entry was keyed. */
export interface ChainStart extends AuditHead {
  keyed?: boolean;
}

export const CHAIN_GENESIS: ChainStart = { seq: 0, hash: GENESIS_HASH };

type LinkFault = { index: number; reason: string };

/**
 * Checks entries one at a time, so a log of any length is walked without holding it: each entry must
 * follow the one before (from `start`), and no unkeyed entry may follow a keyed one. `index` in a
 * fault is the entry's place in the whole log (seq - 1).
 */
export class ChainWalk {
  private prev: ChainStart;
  /** Seq of the first keyed entry walked, when the walk did not start after a keyed one. */
  firstKeyed: number | undefined;
  readonly start: ChainStart;

  constructor(
    start: ChainStart = CHAIN_GENESIS,
    private readonly key?: Uint8Array,
  ) {
    this.start = start;
    this.prev = start;
  }

  get last(): ChainStart {
    return this.prev;
  }

  get count(): number {
    return this.prev.seq - this.start.seq;
  }

  add(entry: AuditEntry): LinkFault | undefined {
    const seq = this.prev.seq + 1;
    const index = seq - 1;
    if (entry.keyed) {
      if (!this.prev.keyed) this.firstKeyed ??= seq;
    } else if (this.prev.keyed) {
      return { index, reason: `entry ${seq} is unkeyed after keyed entries: the chain was rewritten without the root key` };
    }
    if (entry.seq !== seq) {
      return { index, reason: `entry ${seq} has sequence number ${entry.seq}: an entry was removed, inserted or moved here` };
    }
    if (entry.prevHash !== this.prev.hash) {
      return { index, reason: `entry ${entry.seq} does not follow the entry before it: an entry was removed, inserted or moved here` };
    }
    // Without the key a keyed entry can only be checked for its place in the chain.
    const expected = entry.keyed ? (this.key ? entryHash(entry.prevHash, entry.seq, entry.event, this.key) : entry.hash) : entryHash(entry.prevHash, entry.seq, entry.event);
    if (entry.hash !== expected) {
      return { index, reason: `entry ${entry.seq} was changed after it was written` };
    }
    this.prev = { seq: entry.seq, hash: entry.hash, keyed: entry.keyed === true };
    return undefined;
  }
}

/**
 * Checks every link. `index` is the position in the whole log of the first entry that does not fit
 * (the last seq + 1 - 1 when the log stops short of its head). `start` is where `entries` begin when
 * they are the newest part of a segmented log; the head and anchor may then lie before them.
 */
export function verifyChain(entries: readonly AuditEntry[], head?: AuditHead, trust?: ChainTrust, start: ChainStart = CHAIN_GENESIS): ChainVerdict {
  const walk = new ChainWalk(start, trust?.key);
  for (const entry of entries) {
    const fault = walk.add(entry);
    if (fault) return { ok: false, ...fault };
  }
  const end = walk.last.seq;
  const hashAt = (seq: number) => (seq === start.seq ? start.hash : entries[seq - start.seq - 1]?.hash);
  if (head) {
    // A crash between appending an entry and updating the head leaves the head behind the log, never ahead.
    if (!Number.isInteger(head.seq) || head.seq < 1 || typeof head.hash !== 'string') {
      return { ok: false, index: end, reason: 'the head kept beside the log is damaged, so a cut at the end cannot be ruled out' };
    }
    if (head.seq > end) {
      return { ok: false, index: end, reason: `the log ends at entry ${end} but its head records entry ${head.seq}: entries were removed from the end` };
    }
    const atHead = hashAt(head.seq);
    if (atHead !== undefined && atHead !== head.hash) {
      return { ok: false, index: head.seq - 1, reason: `entry ${head.seq} differs from the one the head records: the log was rewritten` };
    }
  }
  if (!trust) return { ok: true, count: entries.length };
  const anchor = trust.anchor;
  if (anchor) {
    if (anchor.seq > end) return { ok: false, index: end, reason: `the keyring records entry ${anchor.seq} of the log, which ends at entry ${end}: entries were removed (with the head beside the log)` };
    const atAnchor = hashAt(anchor.seq);
    if (atAnchor !== undefined && atAnchor !== anchor.hash) return { ok: false, index: anchor.seq - 1, reason: `entry ${anchor.seq} differs from the one the keyring records: the log was rewritten` };
  }
  const notes: string[] = [];
  const first = start.seq + 1;
  const unkeyedEnd = start.keyed ? start.seq : (walk.firstKeyed ?? end + 1) - 1;
  if (unkeyedEnd >= first) notes.push(`entries ${first}–${unkeyedEnd} are unkeyed, written before KMS Workbench keyed its audit chain: they show accidental damage, not tampering`);
  const keyedFrom = Math.max(first, unkeyedEnd + 1);
  if (keyedFrom <= end) notes.push(trust.key ? `entries ${keyedFrom}–${end} are keyed and were checked with the root key` : `entries ${keyedFrom}–${end} are keyed; without the root key only their order was checked`);
  if (anchor && anchor.seq >= start.seq) notes.push(`the keyring anchors the log at entry ${anchor.seq}`);
  return notes.length ? { ok: true, count: entries.length, notes } : { ok: true, count: entries.length };
}

function entryHash(prevHash: string, seq: number, event: CloudTrailEvent, key?: Uint8Array): string {
  const digest = key ? createHmac('sha256', key) : createHash('sha256');
  return digest.update(prevHash).update(canonicalJson({ seq, event })).digest('hex');
}

/** JSON with object keys sorted, so a hash does not depend on the order members were written in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const members = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${members.join(',')}}`;
}
