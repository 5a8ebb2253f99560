/**
 * The audit log in the data folder: one hash-chained entry per line in `audit.log.jsonl`, and its
 * head (last seq and hash) in `audit.log.jsonl.head` so that cutting entries off the end is detected.
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
import { appendEntry, verifyChain, type AuditEntry, type AuditHead, type ChainVerdict } from '../../src-core/audit/chain';
import { filterEvents, type AuditFilter } from '../../src-core/audit/query';
import { withFileLock } from '../store/file-lock';
import { StoreError } from '../store/store-error';

export const AUDIT_LOG_FILE = 'audit.log.jsonl';
const LOCK_FILE = 'audit.log.jsonl.lock';
/** Damaged tails are set aside as `audit.log.jsonl.damaged-after-<seq>-<time>`. */
const DAMAGED_SUFFIX = '.damaged-after-';
/** How much of the log's end to read at first when looking for its last entry. */
const TAIL_CHUNK = 16 * 1024;
/** The head is padded to a fixed length so rewriting it in place never leaves old bytes behind. */
const HEAD_LENGTH = 128;

interface Pending {
  event: CloudTrailEvent;
  resolve(): void;
  reject(e: unknown): void;
}

/** `chainKey` (from the root key) keys new entries and checks keyed ones; readers that only list events need none. */
export async function openFileAuditSink(options: { dir: string; chainKey?: Uint8Array }): Promise<FileAuditSink> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  return new FileAuditSink(options.dir, options.chainKey);
}

export class FileAuditSink implements AuditSink {
  readonly path: string;
  readonly headPath: string;
  private readonly lockPath: string;
  /** The last entry this process wrote or read, and the log's size just after it. */
  private last: { head: AuditHead; size: number } | undefined;
  private queue: Pending[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    dir: string,
    private readonly chainKey?: Uint8Array,
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
  async appendMissing(events: CloudTrailEvent[]): Promise<AuditHead | undefined> {
    return withFileLock(this.lockPath, async (held) => {
      held.assertHeld();
      const logged = this.loggedEventIds(events.map((e) => e.eventID));
      const missing = events.filter((e) => !logged.has(e.eventID));
      if (missing.length) this.write(missing);
      return this.lastHead()?.head;
    });
  }

  /** Events in log order, those matching `filter` only. */
  async read(filter?: AuditFilter): Promise<CloudTrailEvent[]> {
    // Without the lock a line may still be being written: leave it for the next read.
    const { entries, bad } = await this.readEntries({ skipPartialLast: true });
    if (bad) throw new StoreError('damaged-audit-log', `${this.path}: ${bad.reason}. Run 'kmsw audit verify' to check the whole log.`);
    return filterEvents(
      entries.map((e) => e.event),
      filter,
    );
  }

  /** Checks the hash chain and the head; on failure, `index` is the first bad entry (0-based). */
  async verify(anchor?: AuditHead): Promise<ChainVerdict & { entry?: unknown }> {
    // Under the lock, so the log and its head are read at one moment, with no append half done.
    return withFileLock(this.lockPath, async () => {
      const { entries, bad, lines } = await this.readEntries({ skipPartialLast: false });
      if (bad) return { ok: false, index: bad.index, reason: bad.reason, entry: lines[bad.index] };
      const verdict = verifyChain(entries, this.readHead(), this.chainKey || anchor ? { key: this.chainKey, anchor } : undefined);
      return verdict.ok ? verdict : { ...verdict, entry: entries[verdict.index] };
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

  /** Appends the entries and moves the head. Synchronous: a few small writes, cheaper inline than through the thread pool. */
  private write(events: CloudTrailEvent[]): void {
    const prev = this.lastHead();
    let head = prev?.head;
    let lines = '';
    for (const event of events) {
      const entry = appendEntry(head, event, this.chainKey);
      lines += `${JSON.stringify(entry)}\n`;
      head = { seq: entry.seq, hash: entry.hash };
    }
    const data = Buffer.from(lines);
    const fd = openSync(this.path, 'a', 0o600);
    try {
      const before = fstatSync(fd).size;
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
    } finally {
      closeSync(fd);
    }
    this.writeHead(head!);
    this.last = { head: head!, size: (prev?.size ?? 0) + data.length };
  }

  /** The last entry's seq and hash, re-read from the file only when the log changed since this process last saw it. */
  private lastHead(): { head: AuditHead; size: number } | undefined {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.refuseIfHeadAhead(0);
      return undefined;
    }
    try {
      const { size } = fstatSync(fd);
      if (this.last && this.last.size === size) return this.last;
      if (size === 0) {
        this.refuseIfHeadAhead(0);
        return undefined;
      }
      const last = lastEntry(fd, size);
      if (!last || last.end !== size) return this.setAsideDamagedTail(fd, size, last);
      this.refuseIfHeadAhead(last.entry.seq);
      return { head: { seq: last.entry.seq, hash: last.entry.hash }, size };
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The log ends in something that is not a whole entry (a writer killed mid-line, a full disk, a stray
   * byte): move those bytes to a file beside the log, which `verify` reports, and cut the log back to
   * its last whole entry, so new entries chain on and no later call goes unaudited.
   */
  private setAsideDamagedTail(fd: number, size: number, last: { entry: AuditEntry; end: number } | undefined): { head: AuditHead; size: number } | undefined {
    const end = last?.end ?? 0;
    const damaged = Buffer.alloc(size - end);
    readSync(fd, damaged, 0, damaged.length, end);
    const aside = `${this.path}${DAMAGED_SUFFIX}${last?.entry.seq ?? 0}-${new Date().toISOString().replace(/[:.]/g, '')}`;
    writeFileSync(aside, damaged, { mode: 0o600 });
    truncateSync(this.path, end);
    this.refuseIfHeadAhead(last?.entry.seq ?? 0);
    return last ? { head: { seq: last.entry.seq, hash: last.entry.hash }, size: end } : undefined;
  }

  /** Files holding damaged tails set aside by `setAsideDamagedTail`, oldest first. */
  setAsideFiles(): string[] {
    const prefix = `${basename(this.path)}${DAMAGED_SUFFIX}`;
    return readdirSync(dirname(this.path))
      .filter((name) => name.startsWith(prefix))
      .sort()
      .map((name) => join(dirname(this.path), name));
  }

  /** Which of `ids` appear in the log, reading back from its end only as far as needed. */
  private loggedEventIds(ids: string[]): Set<string> {
    const found = new Set<string>();
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return found;
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
      }
      return found;
    } finally {
      closeSync(fd);
    }
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

  private async readEntries(options: { skipPartialLast: boolean }): Promise<{ entries: AuditEntry[]; lines: string[]; bad?: { index: number; reason: string } }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], lines: [] };
      throw e;
    }
    const lines = text.split('\n');
    // The log ends with a newline; anything after the last one is an entry cut short.
    const partial = lines.pop();
    if (partial && !options.skipPartialLast) lines.push(partial);
    const entries: AuditEntry[] = [];
    for (const [index, line] of lines.entries()) {
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        return { entries, lines, bad: { index, reason: `line ${index + 1} is not a complete audit entry` } };
      }
    }
    return { entries, lines };
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

function parseEntry(line: string): AuditEntry | undefined {
  try {
    const entry = JSON.parse(line) as AuditEntry;
    return Number.isInteger(entry?.seq) && typeof entry.hash === 'string' && typeof entry.event === 'object' ? entry : undefined;
  } catch {
    return undefined;
  }
}
