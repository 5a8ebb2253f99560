/**
 * The sealed part of the audit log: the folder `audit-log/` beside the active file, holding segments
 * (`<first seq, 12 digits>.jsonl`, the entries moved out of the active file, byte for byte) and a
 * digest for each (`<first seq>.digest.json`, see src-core/audit/digest.ts), as CloudTrail delivers
 * log files with digest files. A segment counts once its digest is written; a segment file without
 * one is the trace of a seal cut short, whose entries are still in the active file.
 *
 * `pruned.json` records how far the user pruned (exported and removed) old segments: their digests
 * stay, so the digest chain is still checked from the first entry.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEntry, AuditHead } from '../../src-core/audit/chain';
import { canonicalJson, GENESIS_HASH } from '../../src-core/audit/chain';
import { sha256Hex, signDigest, type SegmentDigest } from '../../src-core/audit/digest';
import { StoreError } from '../store/store-error';

export const SEGMENTS_DIR = 'audit-log';
const PRUNED_FILE = 'pruned.json';
const SEGMENT_NAME = /^(\d{12})\.jsonl$/;
const DIGEST_NAME = /^(\d{12})\.digest\.json$/;
/** Lines are read in chunks of this size when a file is walked whole. */
const SCAN_CHUNK = 1024 * 1024;

export const segmentName = (firstSeq: number) => `${String(firstSeq).padStart(12, '0')}.jsonl`;
export const digestName = (firstSeq: number) => `${String(firstSeq).padStart(12, '0')}.digest.json`;

export interface SealedSegment {
  digest: SegmentDigest;
  /** The digest file's bytes (the next digest hashes them). */
  digestBytes: Buffer;
  path: string;
  /** Whether the segment file is there (false once pruned, or when removed). */
  present: boolean;
}

/** How far old segments were pruned, and when; signed like a digest when pruned with the chain key. */
export interface PruneRecord extends AuditHead {
  prunedAt: string;
  signature?: string;
}

export function parseEntry(line: string): AuditEntry | undefined {
  try {
    const entry = JSON.parse(line) as AuditEntry;
    return Number.isInteger(entry?.seq) && typeof entry.hash === 'string' && typeof entry.event === 'object' ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** The names of the digest files in the segments folder, oldest first, and which segment files are there. */
function segmentFolder(dir: string): { digests: string[]; present: Set<string> } {
  let names: string[];
  try {
    names = readdirSync(join(dir, SEGMENTS_DIR));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { digests: [], present: new Set() };
    throw e;
  }
  return { digests: names.filter((n) => DIGEST_NAME.test(n)).sort(), present: new Set(names.filter((n) => SEGMENT_NAME.test(n))) };
}

function readSegment(dir: string, digestFile: string, present: Set<string>): SealedSegment {
  const folder = join(dir, SEGMENTS_DIR);
  const digestBytes = readFileSync(join(folder, digestFile));
  let digest: SegmentDigest;
  try {
    digest = JSON.parse(digestBytes.toString('utf8')) as SegmentDigest;
  } catch {
    throw new StoreError('damaged-audit-log', `${join(folder, digestFile)} is not a digest. Run 'kmsw audit verify --all'.`);
  }
  const file = segmentName(Number(DIGEST_NAME.exec(digestFile)![1]));
  return { digest, digestBytes, path: join(folder, file), present: present.has(file) };
}

/** The sealed segments of the log in `dir` (those with a digest), oldest first. */
export function listSegments(dir: string): SealedSegment[] {
  const { digests, present } = segmentFolder(dir);
  return digests.map((name) => readSegment(dir, name, present));
}

/** The newest sealed segment, reading only its digest. */
export function newestSegment(dir: string): SealedSegment | undefined {
  const { digests, present } = segmentFolder(dir);
  return digests.length ? readSegment(dir, digests[digests.length - 1], present) : undefined;
}

export function readPruneRecord(dir: string): PruneRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, SEGMENTS_DIR, PRUNED_FILE), 'utf8')) as PruneRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError('damaged-audit-log', `${join(dir, SEGMENTS_DIR, PRUNED_FILE)} is damaged. Run 'kmsw audit verify --all'.`);
  }
}

export function writePruneRecord(dir: string, record: PruneRecord): void {
  writeDurably(join(dir, SEGMENTS_DIR, PRUNED_FILE), Buffer.from(`${JSON.stringify(record, null, 2)}\n`));
}

/** What a prune record's signature covers. */
export const pruneSigned = (record: PruneRecord) => canonicalJson({ seq: record.seq, hash: record.hash, prunedAt: record.prunedAt });

/**
 * Calls `onLine` with each line of the file (without its newline) and its 1-based number; `onBytes`
 * sees every byte read (to hash the file in the same pass). The last line, if not ended by a newline,
 * is passed with `partial` set. Memory stays at one chunk and one line, whatever the file's size.
 */
export function scanLines(path: string, onLine: (line: string, number: number, partial: boolean) => boolean | void, onBytes?: (bytes: Buffer) => void): void {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(SCAN_CHUNK);
    let carry = Buffer.alloc(0);
    let number = 0;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      const bytes = chunk.subarray(0, read);
      onBytes?.(bytes);
      let from = 0;
      for (let newline = bytes.indexOf(0x0a); newline >= 0; newline = bytes.indexOf(0x0a, from)) {
        const line = carry.length ? Buffer.concat([carry, bytes.subarray(from, newline)]) : bytes.subarray(from, newline);
        carry = Buffer.alloc(0);
        from = newline + 1;
        if (onLine(line.toString('utf8'), ++number, false) === false) return;
      }
      carry = Buffer.concat([carry, bytes.subarray(from)]);
    }
    if (carry.length) onLine(carry.toString('utf8'), ++number, true);
  } finally {
    closeSync(fd);
  }
}

/** Up to `count` of the file's last whole lines, oldest first, reading backwards from its end. */
export function lastLines(path: string, count: number): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  try {
    const { size } = fstatSync(fd);
    let end = size;
    let tail = Buffer.alloc(0);
    const lines: string[] = [];
    // Text after the last newline is a line still being written: leave it.
    let skipPartial = true;
    while (end > 0 && lines.length < count) {
      const start = Math.max(0, end - SCAN_CHUNK);
      const buffer = Buffer.alloc(end - start);
      readSync(fd, buffer, 0, buffer.length, start);
      tail = Buffer.concat([buffer, tail]);
      end = start;
      let stop = tail.length;
      for (let newline = tail.lastIndexOf(0x0a); newline >= 0 && lines.length < count; newline = tail.lastIndexOf(0x0a, newline - 1)) {
        if (skipPartial) skipPartial = false;
        else lines.push(tail.subarray(newline + 1, stop).toString('utf8'));
        stop = newline;
        if (newline === 0) break;
      }
      tail = tail.subarray(0, stop);
      if (start === 0 && lines.length < count && !skipPartial && tail.length) lines.push(tail.toString('utf8'));
    }
    return lines.reverse();
  } finally {
    closeSync(fd);
  }
}

/** Writes a file whole so that a crash leaves the old one or the new one: temp file, fsync, rename. */
export function writeDurably(path: string, data: Buffer): void {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    for (let written = 0; written < data.length; ) written += writeSync(fd, data, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

function syncFolder(folder: string): void {
  // Makes the renames durable; not every platform can open a folder for fsync (Windows cannot).
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort.
  }
}

/**
 * Moves every entry of the active file into sealed segments of `segmentEntries` entries each (the
 * last may be shorter), each with its digest, then removes the active file: new entries start a new
 * one. Entries already sealed by a seal cut short (their seq at or below `after`) are skipped, so a
 * repeated seal finishes the work. Each segment and digest is durable before the active file goes.
 * Throws, sealing nothing further, when the active file does not continue the sealed chain.
 */
export function sealActive(dir: string, activePath: string, after: SealedSegment | undefined, segmentEntries: number, key?: Uint8Array): SealedSegment | undefined {
  const folder = join(dir, SEGMENTS_DIR);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  let previous = after;
  let lines: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (!lines.length) return;
    previous = sealChunk(folder, lines, bytes, previous, key);
    lines = [];
    bytes = 0;
  };
  const sealedThrough = after?.digest.lastSeq ?? 0;
  let firstSeq: number | undefined;
  scanLines(activePath, (line, number, partial) => {
    if (partial) throw new StoreError('damaged-audit-log', `${activePath} ends in a line cut short; it is sealed after the next append sets it aside`);
    firstSeq ??= parseEntry(line)?.seq;
    if (firstSeq === undefined) throw new StoreError('damaged-audit-log', `${activePath}: line 1 is not an audit entry`);
    if (firstSeq + number - 1 <= sealedThrough) return;
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
    if (lines.length >= segmentEntries) flush();
  });
  flush();
  syncFolder(folder);
  unlinkSync(activePath);
  return previous;
}

function sealChunk(folder: string, lines: string[], bytes: number, previous: SealedSegment | undefined, key?: Uint8Array): SealedSegment {
  const first = parseEntry(lines[0]);
  const last = parseEntry(lines[lines.length - 1]);
  const expectedFirst = (previous?.digest.lastSeq ?? 0) + 1;
  if (!first || !last || first.seq !== expectedFirst || last.seq !== first.seq + lines.length - 1 || first.prevHash !== (previous?.digest.lastEntryHash ?? GENESIS_HASH)) {
    throw new StoreError('damaged-audit-log', `the audit entries from ${expectedFirst} on do not follow one another, so they were not sealed. Run 'kmsw audit verify'.`);
  }
  const data = Buffer.alloc(bytes);
  let offset = 0;
  for (const line of lines) {
    offset += data.write(line, offset, 'utf8');
    data[offset++] = 0x0a;
  }
  const logFile = segmentName(first.seq);
  writeDurably(join(folder, logFile), data);
  const digest = signDigest(
    {
      digestVersion: '1',
      logFile,
      firstSeq: first.seq,
      lastSeq: last.seq,
      previousEntryHash: first.prevHash,
      lastEntryHash: last.hash,
      lastEntryKeyed: last.keyed === true,
      hashValue: sha256Hex(data),
      hashAlgorithm: 'SHA-256',
      oldestEventTime: first.event.eventTime,
      newestEventTime: last.event.eventTime,
      previousDigestHashValue: previous ? sha256Hex(previous.digestBytes) : null,
      previousDigestHashAlgorithm: 'SHA-256',
    },
    key,
  );
  const digestBytes = Buffer.from(`${JSON.stringify(digest, null, 2)}\n`);
  writeDurably(join(folder, digestName(first.seq)), digestBytes);
  return { digest, digestBytes, path: join(folder, logFile), present: true };
}

/** Removes a pruned segment's file (its digest stays). */
export function removeSegmentFile(segment: SealedSegment): void {
  rmSync(segment.path, { force: true });
}
