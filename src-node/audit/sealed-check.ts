/**
 * Verification of the sealed segments of the audit log: their digests as a chain (always; one small
 * file per segment), that every segment not pruned is still there, and, when `walk` is set, every
 * entry of every segment against the entries' chain and the segment's bytes against its digest.
 */
import { createHash, createHmac } from 'node:crypto';
import { ChainWalk, type AuditHead } from '../../src-core/audit/chain';
import { digestFault } from '../../src-core/audit/digest';
import { parseEntry, pruneSigned, readPruneRecord, scanLines, type SealedSegment } from './segments';

export interface SealedCheck {
  /** Sealed segments, and the last entry they hold (0 when none). */
  segments: number;
  entries: number;
  /** Whether their entries were read, or only their digests. */
  walked: boolean;
  notes: string[];
}

type Fault = { ok: false; index: number; reason: string; entry?: unknown };

/** Raised inside a walk to stop it at the first fault. */
class StopWalk {
  constructor(readonly fault: Fault) {}
}

export function checkSealed(dir: string, segments: readonly SealedSegment[], key: Uint8Array | undefined, options: { walk: boolean; anchor?: AuditHead }): { ok: true; check: SealedCheck } | { ok: false; fault: Fault } {
  const pruned = readPruneRecord(dir);
  const last = segments.at(-1)?.digest.lastSeq ?? 0;
  if (pruned) {
    const boundary = segments.find((s) => s.digest.lastSeq === pruned.seq);
    if (!boundary || boundary.digest.lastEntryHash !== pruned.hash) return { ok: false, fault: { ok: false, index: 0, reason: `the prune record (entries 1–${pruned.seq}) does not match the digest of a sealed segment: it was changed` } };
    if (key && (boundary.digest.lastEntryKeyed || pruned.signature !== undefined) && pruned.signature !== createHmac('sha256', key).update(pruneSigned(pruned)).digest('hex')) {
      return { ok: false, fault: { ok: false, index: 0, reason: 'the prune record does not carry the root key\'s signature: it was changed or written without the root key' } };
    }
  }
  let previous: SealedSegment | undefined;
  let walkedEntries = 0;
  try {
    for (const segment of segments) {
      const { digest } = segment;
      const fault = digestFault(digest, previous && { digest: previous.digest, bytes: previous.digestBytes }, key);
      if (fault) return { ok: false, fault: { ok: false, index: (digest.firstSeq ?? 1) - 1, reason: fault } };
      if (!segment.present) {
        if (!pruned || digest.lastSeq > pruned.seq) return { ok: false, fault: { ok: false, index: digest.firstSeq - 1, reason: `the segment holding entries ${digest.firstSeq}–${digest.lastSeq} (${segment.path}) is missing, and no prune removed it` } };
      } else if (options.walk) {
        walkSegment(segment, previous, key, options.anchor);
        walkedEntries += digest.lastSeq - digest.firstSeq + 1;
      }
      previous = segment;
    }
  } catch (e) {
    if (e instanceof StopWalk) return { ok: false, fault: e.fault };
    throw e;
  }
  const notes: string[] = [];
  if (segments.length) {
    notes.push(`${segments.length} sealed segment${segments.length === 1 ? '' : 's'} hold entries 1–${last}: their digests chain${key ? ' and carry the root key\'s signature' : ''}`);
    notes.push(options.walk ? `${walkedEntries} sealed entries were read and checked against the chain and their segment's digest` : `their entries were not read ('kmsw audit verify --all' reads them)`);
  }
  if (pruned) notes.push(`entries 1–${pruned.seq} were pruned on ${pruned.prunedAt}: their digests remain and were checked`);
  const anchor = options.anchor;
  if (anchor && anchor.seq <= last) notes.push(options.walk ? `the keyring anchors the log at entry ${anchor.seq}` : `the keyring's anchor (entry ${anchor.seq}) lies in a sealed segment, checked by 'kmsw audit verify --all'`);
  return { ok: true, check: { segments: segments.length, entries: last, walked: options.walk, notes } };
}

/** Reads one segment: each entry must follow the one before, from its digest's start, and the file must hash to its digest. */
function walkSegment(segment: SealedSegment, previous: SealedSegment | undefined, key: Uint8Array | undefined, anchor: AuditHead | undefined): void {
  const { digest, path } = segment;
  const walk = new ChainWalk({ seq: digest.firstSeq - 1, hash: digest.previousEntryHash, keyed: previous?.digest.lastEntryKeyed }, key);
  const hash = createHash('sha256');
  scanLines(
    path,
    (line, number, partial) => {
      const entry = partial ? undefined : parseEntry(line);
      if (!entry) throw new StopWalk({ ok: false, index: walk.last.seq, reason: `line ${number} of ${path} is not a complete audit entry`, entry: line });
      const fault = walk.add(entry);
      if (fault) throw new StopWalk({ ok: false, ...fault, entry });
      if (anchor && entry.seq === anchor.seq && entry.hash !== anchor.hash) throw new StopWalk({ ok: false, index: entry.seq - 1, reason: `entry ${anchor.seq} differs from the one the keyring records: the log was rewritten`, entry });
    },
    (bytes) => hash.update(bytes),
  );
  if (walk.last.seq !== digest.lastSeq || walk.last.hash !== digest.lastEntryHash) {
    throw new StopWalk({ ok: false, index: walk.last.seq, reason: `${path} ends at entry ${walk.last.seq}, but its digest records entries ${digest.firstSeq}–${digest.lastSeq}: entries were removed` });
  }
  if (hash.digest('hex') !== digest.hashValue) throw new StopWalk({ ok: false, index: digest.firstSeq - 1, reason: `${path} differs from the bytes its digest records: it was changed after it was sealed` });
}
