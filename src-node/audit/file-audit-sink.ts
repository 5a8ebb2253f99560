/**
 * The audit log in the data folder: one hash-chained entry per line in `audit.log.jsonl` (the active
 * segment), and its head (last seq and hash) in `audit.log.jsonl.head` so that cutting entries off the
 * end is detected. Once the active segment holds `segmentEntries` entries, the next append first seals
 * it into `audit-log/` with a digest (see segments.ts), so appending, reading the newest events and
 * verifying the newest segment cost the same at a million entries as at a thousand. A log written
 * before segments (one long active file) is sealed the same way on its next append.
 *
 * Several processes append to one log: each append holds the log's lock file, and when the log grew
 * since this process last appended, it re-reads the last entry so the chain continues from whoever
 * wrote last. Calls that arrive while an append is under way are written together in the next one
 * (one lock, one write), so concurrent clients do not queue on the lock one by one.
 *
 * Appends are not fsynced: an entry is written after its call took effect, and a flush per call
 * (about 1 ms measured on ext4) would cap every host at about a thousand calls a second. A killed
 * process loses nothing (the data is in the page cache); a power loss may lose the last entries.
 * The head is rewritten in place rather than replaced by rename, because ext4 flushes data on a
 * rename or truncate over an existing file (2 ms per call, measured).
 */
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AuditSink } from '../../src-core/ports';
import type { CloudTrailEvent } from '../../src-core/audit/event';
import { appendEntry, CHAIN_GENESIS, verifyChain, type AuditEntry, type AuditHead, type ChainStart, type ChainVerdict } from '../../src-core/audit/chain';
import { chainAfter } from '../../src-core/audit/digest';
import { matchesFilter, type AuditFilter } from '../../src-core/audit/query';
import { withFileLock } from '../store/file-lock';
import { StoreError } from '../store/store-error';
import { pruneSegments, type PruneResult } from './prune';
import { checkSealed, type SealedCheck } from './sealed-check';
import { lastLines, listSegments, newestSegment, parseEntry, scanLines, sealActive, type SealedSegment } from './segments';

export const AUDIT_LOG_FILE = 'audit.log.jsonl';
const LOCK_FILE = 'audit.log.jsonl.lock';
/** Damaged tails are set aside as `audit.log.jsonl.damaged-after-<seq>-<time>`. */
const DAMAGED_SUFFIX = '.damaged-after-';
/** How much of the log's end to read at first when looking for its last entry. */
const TAIL_CHUNK = 16 * 1024;
/** The head is padded to a fixed length so rewriting it in place never leaves old bytes behind. */
const HEAD_LENGTH = 128;

/** Entries per sealed segment: verifying one keyed segment takes about a tenth of a second. */
export const DEFAULT_SEGMENT_ENTRIES = 10_000;

/** A verdict on the log, and the entry (or line) that broke it; `sealed` describes the segments checked before the active one. */
export type AuditVerdict = ChainVerdict & { entry?: unknown; sealed?: SealedCheck };

/** The newest events of the log, and how many the log holds in all (pruned ones included). */
export interface NewestEvents {
  events: CloudTrailEvent[];
  total: number;
}

interface Pending {
  event: CloudTrailEvent;
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * `chainKey` (from the root key) keys new entries, signs digests and checks both; readers that only
 * list events need none. `segmentEntries` is for tests and benchmarks.
 */
export async function openFileAuditSink(options: { dir: string; chainKey?: Uint8Array; segmentEntries?: number }): Promise<FileAuditSink> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  return new FileAuditSink(options.dir, options.chainKey, options.segmentEntries);
}

/** What this process last saw of the log: its head, the active file (size and inode) and the newest sealed segment. */
interface LastSeen {
  head: AuditHead;
  size: number;
  ino: number;
  base: SealedSegment | undefined;
}

export class FileAuditSink implements AuditSink {
  readonly path: string;
  readonly headPath: string;
  private readonly lockPath: string;
  /** The last entry this process wrote or read, and the active file's size just after it. */
  private last: LastSeen | undefined;
  private queue: Pending[] = [];
  private draining: Promise<void> | undefined;
  /** Why sealing failed, once it did: appends go on into the active file (never lost), and verify names the damage. */
  private sealError: unknown;

  constructor(
    readonly dir: string,
    private readonly chainKey?: Uint8Array,
    private readonly segmentEntries = DEFAULT_SEGMENT_ENTRIES,
  ) {
    this.path = join(dir, AUDIT_LOG_FILE);
    this.headPath = `${this.path}.head`;
    this.lockPath = join(dir, LOCK_FILE);
  }

  append(event: CloudTrailEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Appends those of `events` whose eventID the log does not hold yet (committed events delivered again after a crash). */
  async appendMissing(events: CloudTrailEvent[], after?: AuditHead): Promise<AuditHead | undefined> {
    return withFileLock(this.lockPath, async (held) => {
      held.assertHeld();
      const logged = this.loggedEventIds(events.map((e) => e.eventID), this.searchFrom(after));
      const missing = events.filter((e) => !logged.has(e.eventID));
      if (missing.length) this.write(missing);
      return this.lastHead()?.head;
    });
  }

  /** Events in log order, those matching `filter` only: every segment still there (not pruned), then the active one. */
  async read(filter: AuditFilter = {}): Promise<CloudTrailEvent[]> {
    const { base, entries, bad } = await this.readActive({ skipPartialLast: true });
    if (bad) throw new StoreError('damaged-audit-log', `${this.path}: ${bad.reason}. Run 'kmsw audit verify' to check the whole log.`);
    const events: CloudTrailEvent[] = [];
    for (const segment of listSegments(this.dir)) {
      if (!segment.present || segment.digest.lastSeq > (base?.digest.lastSeq ?? 0)) continue;
      scanLines(segment.path, (line, number) => {
        const entry = parseEntry(line);
        if (!entry) throw new StoreError('damaged-audit-log', `${segment.path}: line ${number} is not a complete audit entry. Run 'kmsw audit verify --all'.`);
        if (matchesFilter(entry.event, filter)) events.push(entry.event);
      });
    }
    for (const entry of entries) if (matchesFilter(entry.event, filter)) events.push(entry.event);
    return events;
  }

  /**
   * The newest `limit` events, oldest first, reading back from the end of the log only as far as
   * needed: the cost depends on `limit`, not on the log's length.
   */
  async readNewest(limit: number): Promise<NewestEvents> {
    for (let attempt = 0; ; attempt++) {
      const segments = listSegments(this.dir);
      const base = segments.at(-1);
      const sealedThrough = base?.digest.lastSeq ?? 0;
      const entries = (await this.newestActive(limit)).filter((e) => e.seq > sealedThrough);
      for (let i = segments.length - 1; i >= 0 && entries.length < limit && segments[i].present; i--) {
        entries.unshift(...this.entriesOf(lastLines(segments[i].path, limit - entries.length), segments[i].path));
      }
      // A seal between reading the digests and the active file moves entries: read again.
      if (newestSegment(this.dir)?.digest.lastSeq !== base?.digest.lastSeq && attempt < 3) continue;
      return { events: entries.map((e) => e.event), total: entries.at(-1)?.seq ?? sealedThrough };
    }
  }

  /** The active file's last `limit` entries; a damaged line is named by its line number, as `read` names it. */
  private async newestActive(limit: number): Promise<AuditEntry[]> {
    const entries = lastLines(this.path, limit).map(parseEntry);
    if (entries.every((entry) => entry !== undefined)) return entries;
    const { bad } = await this.readActive({ skipPartialLast: true });
    throw new StoreError('damaged-audit-log', `${this.path}: ${bad?.reason ?? 'a line is not a complete audit entry'}. Run 'kmsw audit verify' to check the whole log.`);
  }

  private entriesOf(lines: string[], path: string): AuditEntry[] {
    return lines.map((line) => {
      const entry = parseEntry(line);
      if (!entry) throw new StoreError('damaged-audit-log', `${path}: a line is not a complete audit entry. Run 'kmsw audit verify'.`);
      return entry;
    });
  }

  /**
   * Checks the newest segment: its entries' chain from the last sealed entry, the head and the keyring's
   * anchor, and the digests of every sealed segment as a chain (small files, one per segment), not the
   * sealed entries themselves (`verifyAll` walks those). On failure, `index` is the first bad entry (0-based).
   */
  async verify(anchor?: AuditHead): Promise<AuditVerdict> {
    // Under the lock, so the log and its head are read at one moment, with no append half done.
    return withFileLock(this.lockPath, async () => {
      const segments = listSegments(this.dir);
      const sealed = checkSealed(this.dir, segments, this.chainKey, { walk: false, anchor });
      if (!sealed.ok) return sealed.fault;
      return this.verifyActive(segments.at(-1), anchor, sealed.check);
    });
  }

  /**
   * Checks every entry of every segment still there, each segment's bytes against its digest, the
   * digest chain through pruned segments, then the active segment as `verify` does. The sealed
   * segments are walked without the lock (they never change; a prune only removes them), so appends go on.
   */
  async verifyAll(anchor?: AuditHead): Promise<AuditVerdict> {
    const segments = await withFileLock(this.lockPath, async () => listSegments(this.dir));
    const sealed = checkSealed(this.dir, segments, this.chainKey, { walk: true, anchor });
    if (!sealed.ok) return sealed.fault;
    return withFileLock(this.lockPath, async () => {
      const now = listSegments(this.dir);
      // Segments sealed meanwhile are checked by their digests only.
      const more = checkSealed(this.dir, now, this.chainKey, { walk: false, anchor });
      if (!more.ok) return more.fault;
      return this.verifyActive(now.at(-1), anchor, { ...sealed.check, segments: more.check.segments, entries: more.check.entries });
    });
  }

  private async verifyActive(base: SealedSegment | undefined, anchor: AuditHead | undefined, sealed: SealedCheck): Promise<AuditVerdict> {
    const start: ChainStart = base ? chainAfter(base.digest) : CHAIN_GENESIS;
    const { entries, bad, lines } = await this.readActive({ skipPartialLast: false, base });
    if (bad) return { ok: false, index: start.seq + bad.index, reason: bad.reason, entry: lines[bad.index] };
    const trust = this.chainKey || anchor ? { key: this.chainKey, anchor } : undefined;
    const verdict = verifyChain(entries, this.readHead(), trust, start);
    if (!verdict.ok) return { ...verdict, entry: entries[verdict.index - start.seq] };
    if (!base) return verdict;
    const notes = [...sealed.notes, ...(verdict.notes ?? [])];
    if (this.sealError) notes.push(`the active segment could not be sealed (${String(this.sealError)})`);
    return { ...verdict, notes, sealed };
  }

  /** The sealed segments, oldest first (pruned ones included, as `present: false`). */
  segments(): SealedSegment[] {
    return listSegments(this.dir);
  }

  /**
   * Removes the oldest sealed segments whose newest event is before `before` (epoch ms), after copying
   * them with their digests to `exportDir` (unless undefined: discarded). See prune.ts.
   */
  async prune(options: { before: number; exportDir?: string }): Promise<PruneResult> {
    return withFileLock(this.lockPath, async (held) => {
      held.assertHeld();
      return pruneSegments(this.dir, listSegments(this.dir), { ...options, chainKey: this.chainKey, now: Date.now() });
    });
  }

  /** Waits for appends in flight. */
  async close(): Promise<void> {
    await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        await withFileLock(this.lockPath, async (held) => {
          held.assertHeld();
          this.write(batch.map((p) => p.event));
        });
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.draining = undefined;
  }

  /** Appends the entries and moves the head, sealing the active segment first when it is full. Synchronous: a few small writes, cheaper inline than through the thread pool. */
  private write(events: CloudTrailEvent[]): void {
    const prev = this.sealIfFull(this.lastHead());
    let head = prev?.head;
    let lines = '';
    for (const event of events) {
      const entry = appendEntry(head, event, this.chainKey);
      lines += `${JSON.stringify(entry)}\n`;
      head = { seq: entry.seq, hash: entry.hash };
    }
    const data = Buffer.from(lines);
    const fd = openSync(this.path, 'a', 0o600);
    let seen: LastSeen;
    try {
      const { size: before, ino } = fstatSync(fd);
      try {
        for (let written = 0; written < data.length; ) written += writeSync(fd, data, written);
      } catch (e) {
        // A full disk leaves part of a line: take it back so the log ends with a whole entry (if this fails
        // too, the next append sets the partial line aside).
        try {
          ftruncateSync(fd, before);
        } catch {
          // The next append repairs the tail.
        }
        throw e;
      }
      seen = { head: head!, size: before + data.length, ino, base: prev?.base };
    } finally {
      closeSync(fd);
    }
    this.writeHead(head!);
    this.last = seen;
  }

  /** Seals the active segment once it holds `segmentEntries` entries; the log stays as it was if sealing fails. */
  private sealIfFull(prev: LastSeen | undefined): LastSeen | undefined {
    if (!prev || prev.size === 0 || this.sealError !== undefined) return prev;
    if (prev.head.seq - (prev.base?.digest.lastSeq ?? 0) < this.segmentEntries) return prev;
    try {
      const base = sealActive(this.dir, this.path, prev.base, this.segmentEntries, this.chainKey);
      return { head: prev.head, size: 0, ino: -1, base };
    } catch (e) {
      // Entries the chain cannot seal (damage in the active segment) stay where they are; calls go on being audited.
      this.sealError = e instanceof Error ? e.message : e;
      return prev;
    }
  }

  /** The last entry's seq and hash, re-read from the files only when the log changed since this process last saw it. */
  private lastHead(): LastSeen | undefined {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return this.sealedHead(newestSegment(this.dir));
    }
    try {
      const { size, ino } = fstatSync(fd);
      // A seal removes the active file, and a new one may reuse its inode and reach the same size: the
      // head, which every append moves, tells whether anyone wrote since.
      if (this.last && this.last.size === size && this.last.ino === ino && sameHead(this.readHead(), this.last.head)) return this.last;
      const base = newestSegment(this.dir);
      if (size === 0) return this.sealedHead(base);
      const last = lastEntry(fd, size);
      if (!last || last.end !== size) return this.setAsideDamagedTail(fd, size, last, base);
      this.refuseIfHeadAhead(last.entry.seq);
      return { head: { seq: last.entry.seq, hash: last.entry.hash }, size, ino, base };
    } finally {
      closeSync(fd);
    }
  }

  /** The head when the active segment is empty: the last sealed entry, if any. */
  private sealedHead(base: SealedSegment | undefined): LastSeen | undefined {
    this.refuseIfHeadAhead(base?.digest.lastSeq ?? 0);
    return base ? { head: { seq: base.digest.lastSeq, hash: base.digest.lastEntryHash }, size: 0, ino: -1, base } : undefined;
  }

  /**
   * The log ends in something that is not a whole entry (a writer killed mid-line, a full disk, a stray
   * byte): move those bytes to a file beside the log, which `verify` reports, and cut the log back to
   * its last whole entry, so new entries chain on and no later call goes unaudited.
   */
  private setAsideDamagedTail(fd: number, size: number, last: { entry: AuditEntry; end: number } | undefined, base: SealedSegment | undefined): LastSeen | undefined {
    const end = last?.end ?? 0;
    const damaged = Buffer.alloc(size - end);
    readSync(fd, damaged, 0, damaged.length, end);
    const lastSeq = last?.entry.seq ?? base?.digest.lastSeq ?? 0;
    const aside = `${this.path}${DAMAGED_SUFFIX}${lastSeq}-${new Date().toISOString().replace(/[:.]/g, '')}`;
    writeFileSync(aside, damaged, { mode: 0o600 });
    truncateSync(this.path, end);
    if (!last) return this.sealedHead(base);
    this.refuseIfHeadAhead(last.entry.seq);
    return { head: { seq: last.entry.seq, hash: last.entry.hash }, size: end, ino: fstatSync(fd).ino, base };
  }

  /** Files holding damaged tails set aside by `setAsideDamagedTail`, oldest first. */
  setAsideFiles(): string[] {
    const prefix = `${basename(this.path)}${DAMAGED_SUFFIX}`;
    return readdirSync(dirname(this.path))
      .filter((name) => name.startsWith(prefix))
      .sort()
      .map((name) => join(dirname(this.path), name));
  }

  /**
   * The seq after which `appendMissing` must search, given a head the log had reached before the events
   * were committed: none at all when nothing was appended since; from the start when the log never
   * reached that head (it was moved away and begun again).
   */
  private searchFrom(after: AuditHead | undefined): number {
    const now = this.lastHead()?.head;
    if (!after || !now || now.seq < after.seq || (now.seq === after.seq && now.hash !== after.hash)) return 0;
    return after.seq;
  }

  /**
   * Which of `ids` appear among the entries after `afterSeq`, reading back from the log's end (the active
   * segment, then the newest sealed one) only as far as needed: with no other writer, nothing at all.
   */
  private loggedEventIds(ids: string[], afterSeq: number): Set<string> {
    const found = new Set<string>();
    if (afterSeq > 0 && afterSeq === this.lastHead()?.head.seq) return found;
    const newest = newestSegment(this.dir);
    for (const path of [this.path, ...(newest?.present ? [newest.path] : [])]) {
      const reachedBound = searchBackwards(path, ids, found, afterSeq);
      if (reachedBound || found.size === ids.length) break;
    }
    return found;
  }

  /** Appending after entries were cut off the end would hide the cut: refuse instead. */
  private refuseIfHeadAhead(lastSeq: number): void {
    const head = this.readHead();
    if (head && head.seq > lastSeq) {
      throw new StoreError('damaged-audit-log', `${this.path} ends at entry ${lastSeq} but its head records entry ${head.seq}: entries were removed. Run 'kmsw audit verify'; move the log and its .head file away to start a new one.`);
    }
  }

  private readHead(): AuditHead | undefined {
    try {
      return JSON.parse(readFileSync(this.headPath, 'utf8')) as AuditHead;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError('damaged-audit-log', `${this.headPath} is damaged. Run 'kmsw audit verify' to check the log itself.`);
    }
  }

  private writeHead(head: AuditHead): void {
    const text = Buffer.from(`${JSON.stringify(head).padEnd(HEAD_LENGTH - 1)}\n`);
    // No O_TRUNC: the record has a fixed length, and truncating would cost a flush on ext4.
    const fd = openSync(this.headPath, constants.O_WRONLY | constants.O_CREAT, 0o600);
    try {
      writeSync(fd, text, 0, text.length, 0);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The active segment's entries after the newest sealed one (`base`, read here unless given). Lines of
   * a seal cut short (entries already sealed) are skipped. A seal between reading the digests and the
   * file is noticed (the base moved) and the read repeated.
   */
  private async readActive(options: { skipPartialLast: boolean; base?: SealedSegment }): Promise<{ base: SealedSegment | undefined; entries: AuditEntry[]; lines: string[]; bad?: { index: number; reason: string } }> {
    for (let attempt = 0; ; attempt++) {
      const base = options.base ?? newestSegment(this.dir);
      const read = await this.readActiveAfter(base, options.skipPartialLast);
      if (options.base || attempt >= 3 || newestSegment(this.dir)?.digest.lastSeq === base?.digest.lastSeq) return { base, ...read };
    }
  }

  private async readActiveAfter(base: SealedSegment | undefined, skipPartialLast: boolean): Promise<{ entries: AuditEntry[]; lines: string[]; bad?: { index: number; reason: string } }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], lines: [] };
      throw e;
    }
    const sealedThrough = base?.digest.lastSeq ?? 0;
    let lines = text.split('\n');
    // The log ends with a newline; anything after the last one is an entry cut short.
    const partial = lines.pop();
    if (partial && !skipPartialLast) lines.push(partial);
    // Entries a seal cut short already moved into a segment lead the file: skip them.
    let skipped = 0;
    while (skipped < lines.length && sealedThrough > 0 && (parseEntry(lines[skipped])?.seq ?? Infinity) <= sealedThrough) skipped++;
    lines = lines.slice(skipped);
    const entries: AuditEntry[] = [];
    for (const [index, line] of lines.entries()) {
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        return { entries, lines, bad: { index, reason: `line ${skipped + index + 1} is not a complete audit entry` } };
      }
    }
    return { entries, lines };
  }
}

const sameHead = (a: AuditHead | undefined, b: AuditHead) => a?.seq === b.seq && a.hash === b.hash;

/**
 * Adds to `found` those of `ids` that appear in the file's entries after `afterSeq`, reading back from its
 * end in growing chunks until all are found, an entry at or before `afterSeq` is reached (then it returns
 * true: older entries cannot hold them), or the file is read.
 */
function searchBackwards(path: string, ids: string[], found: Set<string>, afterSeq: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  try {
    const { size } = fstatSync(fd);
    for (let chunk = TAIL_CHUNK; found.size < ids.length; chunk *= 4) {
      const start = Math.max(0, size - chunk);
      const buffer = Buffer.alloc(size - start);
      readSync(fd, buffer, 0, buffer.length, start);
      const text = buffer.toString('utf8');
      for (const id of ids) if (text.includes(`"eventID":${JSON.stringify(id)}`)) found.add(id);
      if (start === 0) break;
      // Entries are written as {"seq":N,...}; once the chunk's first whole line is at or before the bound, it covers every later entry.
      const firstWhole = /\n\{"seq":(\d+),/.exec(text);
      if (firstWhole && Number(firstWhole[1]) <= afterSeq + 1) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * The last whole entry of the log and the offset just after its newline, reading backwards from the
 * end in growing chunks; undefined when no line parses as an entry.
 */
function lastEntry(fd: number, size: number): { entry: AuditEntry; end: number } | undefined {
  for (let chunk = TAIL_CHUNK; ; chunk *= 4) {
    const start = Math.max(0, size - chunk);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    // Candidate line ends, newest first; a line is whole only if the one before it ended too (or it starts the file).
    for (let newline = buffer.lastIndexOf(0x0a); newline >= 0; newline = buffer.lastIndexOf(0x0a, newline - 1)) {
      const previous = newline === 0 ? -1 : buffer.lastIndexOf(0x0a, newline - 1);
      if (previous < 0 && start > 0) break;
      const entry = parseEntry(buffer.subarray(previous + 1, newline).toString('utf8'));
      if (entry) return { entry, end: start + newline + 1 };
      if (newline === 0) break;
    }
    if (start === 0) return undefined;
  }
}
