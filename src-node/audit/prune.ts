/**
 * Exporting and pruning old sealed segments: the oldest segments whose newest event is before a time
 * are checked against their digests, copied (with their digests) to a folder of the user's choosing
 * unless discarded, then removed. Their digests stay, and a prune record (signed with the chain key)
 * says how far the log was pruned, so `verify --all` still checks the digest chain from entry 1 and
 * tells a pruned segment from a deleted one. An exported segment can be checked on its own: its
 * SHA-256 is the digest's hashValue.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { basename, join } from 'node:path';
import { sha256Hex } from '../../src-core/audit/digest';
import { StoreError } from '../store/store-error';
import { checkSealed } from './sealed-check';
import { digestName, pruneSigned, readPruneRecord, removeSegmentFile, SEGMENTS_DIR, writePruneRecord, type PruneRecord, type SealedSegment } from './segments';

export interface PruneResult {
  /** The segments removed, oldest first. */
  segments: SealedSegment[];
  /** Where they were copied, if they were. */
  exportDir?: string;
}

/** Caller holds the log's lock. `exportDir` undefined discards the segments. */
export function pruneSegments(dir: string, segments: readonly SealedSegment[], options: { before: number; exportDir?: string; chainKey?: Uint8Array; now: number }): PruneResult {
  const sealed = checkSealed(dir, segments, options.chainKey, { walk: false });
  if (!sealed.ok) throw new StoreError('damaged-audit-log', `the audit log's sealed segments do not verify (${sealed.fault.reason}), so nothing was pruned. Run 'kmsw audit verify --all'.`);
  const chosen: SealedSegment[] = [];
  for (const segment of segments) {
    if (!segment.present) continue;
    if (!(Date.parse(segment.digest.newestEventTime) < options.before)) break;
    chosen.push(segment);
  }
  if (!chosen.length) return { segments: [], exportDir: options.exportDir };
  const last = chosen[chosen.length - 1].digest;
  if (last.lastEntryKeyed && !options.chainKey) {
    throw new StoreError('damaged-audit-log', 'the segments to prune are keyed with the root key, which is not at hand (root.key or KMSW_ROOT_KEY): without it the prune record could not be signed, and verify would report the pruned segments as removed');
  }
  for (const segment of chosen) {
    if (hashOfFile(segment.path) !== segment.digest.hashValue) {
      throw new StoreError('damaged-audit-log', `${segment.path} differs from its digest, so nothing was pruned. Run 'kmsw audit verify --all'.`);
    }
  }
  if (options.exportDir !== undefined) {
    mkdirSync(options.exportDir, { recursive: true, mode: 0o700 });
    for (const segment of chosen) {
      const copy = join(options.exportDir, basename(segment.path));
      copyFileSync(segment.path, copy);
      copyFileSync(join(dir, SEGMENTS_DIR, digestName(segment.digest.firstSeq)), join(options.exportDir, digestName(segment.digest.firstSeq)));
      if (hashOfFile(copy) !== segment.digest.hashValue) throw new StoreError('damaged-audit-log', `the copy of ${segment.path} in ${options.exportDir} differs from it, so nothing was pruned`);
    }
  }
  const unsigned: PruneRecord = { seq: last.lastSeq, hash: last.lastEntryHash, prunedAt: new Date(options.now).toISOString() };
  const previous = readPruneRecord(dir);
  if (previous && previous.seq > unsigned.seq) return { segments: [], exportDir: options.exportDir };
  writePruneRecord(dir, options.chainKey ? { ...unsigned, signature: createHmac('sha256', options.chainKey).update(pruneSigned(unsigned)).digest('hex') } : unsigned);
  for (const segment of chosen) removeSegmentFile(segment);
  return { segments: chosen, exportDir: options.exportDir };
}

/** A sealed segment is a few megabytes: read whole. */
function hashOfFile(path: string): string {
  return sha256Hex(readFileSync(path));
}
