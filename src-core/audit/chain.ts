/**
 * The audit log's tamper evidence: each entry carries the hash of the one before it, so editing,
 * removing, inserting or reordering entries breaks the chain at that point. Removing entries from the
 * end leaves a valid chain, so the log keeps its head (last seq and hash) beside it and verification
 * checks that the log still reaches it.
 */
import { createHash } from 'node:crypto';
import type { CloudTrailEvent } from './event';

export interface AuditEntry {
  /** 1 for the first entry, then consecutive. */
  seq: number;
  prevHash: string;
  /** SHA-256 (hex) of prevHash followed by the canonical JSON of { seq, event }. */
  hash: string;
  event: CloudTrailEvent;
}

/** The last entry of a log, kept apart from it so truncation is detected. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export type ChainVerdict = { ok: true; count: number } | { ok: false; index: number; reason: string };

export function appendEntry(prev: AuditHead | undefined, event: CloudTrailEvent): AuditEntry {
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  return { seq, prevHash, hash: entryHash(prevHash, seq, event), event };
}

/**
 * Checks every link. `index` is the position of the first entry that does not fit (entries.length
 * when the log stops short of its head).
 */
export function verifyChain(entries: readonly AuditEntry[], head?: AuditHead): ChainVerdict {
  let prevHash = GENESIS_HASH;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    if (entry.seq !== index + 1) {
      return { ok: false, index, reason: `entry ${index + 1} has sequence number ${entry.seq}: an entry was removed, inserted or moved here` };
    }
    if (entry.prevHash !== prevHash) {
      return { ok: false, index, reason: `entry ${entry.seq} does not follow the entry before it: an entry was removed, inserted or moved here` };
    }
    if (entry.hash !== entryHash(entry.prevHash, entry.seq, entry.event)) {
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
  return { ok: true, count: entries.length };
}

function entryHash(prevHash: string, seq: number, event: CloudTrailEvent): string {
  return createHash('sha256').update(prevHash).update(canonicalJson({ seq, event })).digest('hex');
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
