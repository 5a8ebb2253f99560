/**
 * The audit log in the data folder: one hash-chained entry per line in `audit.log.jsonl`, and its
 * head (last seq and hash) in `audit.log.jsonl.head` so that cutting entries off the end is detected.
 *
 * Several processes append to one log: each append holds the log's lock file, and when the log grew
 * since this process last appended, it re-reads the last entry so the chain continues from whoever
 * wrote last. Appends are not fsynced: an audit entry is written after its call took effect, and a
 * sync per KMS call would cost a disk flush on every Encrypt. A kill loses nothing (the data is in the
 * page cache); a power loss may lose the last entries, which `verify` then reports against the head.
 */
import { appendFile, mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditSink } from '../../src-core/ports';
import type { CloudTrailEvent } from '../../src-core/audit/event';
import { appendEntry, verifyChain, type AuditEntry, type AuditHead, type ChainVerdict } from '../../src-core/audit/chain';
import { filterEvents, type AuditFilter } from '../../src-core/audit/query';
import { writeFileAtomic } from '../store/atomic-write';
import { withFileLock } from '../store/file-lock';
import { StoreError } from '../store/store-error';

export const AUDIT_LOG_FILE = 'audit.log.jsonl';
const LOCK_FILE = 'audit.lock';
/** How much of the log's end to read at first when looking for its last entry. */
const TAIL_CHUNK = 16 * 1024;

export async function openFileAuditSink(options: { dir: string }): Promise<FileAuditSink> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  return new FileAuditSink(options.dir);
}

export class FileAuditSink implements AuditSink {
  readonly path: string;
  readonly headPath: string;
  private readonly lockPath: string;
  /** The last entry this process wrote or read, and the log's size just after it. */
  private last: { head: AuditHead; size: number } | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.path = join(dir, AUDIT_LOG_FILE);
    this.headPath = `${this.path}.head`;
    this.lockPath = join(dir, LOCK_FILE);
  }

  append(event: CloudTrailEvent): Promise<void> {
    const done = this.tail.then(() =>
      withFileLock(this.lockPath, async () => {
        const prev = await this.lastHead();
        const entry = appendEntry(prev?.head, event);
        const line = Buffer.from(`${JSON.stringify(entry)}\n`);
        await appendFile(this.path, line, { mode: 0o600 });
        const head: AuditHead = { seq: entry.seq, hash: entry.hash };
        await writeFileAtomic(this.headPath, `${JSON.stringify(head)}\n`, { durable: false });
        this.last = { head, size: (prev?.size ?? 0) + line.length };
      }),
    );
    this.tail = done.catch(() => undefined);
    return done;
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
  async verify(): Promise<ChainVerdict & { entry?: unknown }> {
    // Under the lock, so the log and its head are read at one moment, with no append half done.
    return withFileLock(this.lockPath, async () => {
      const { entries, bad, lines } = await this.readEntries({ skipPartialLast: false });
      if (bad) return { ok: false, index: bad.index, reason: bad.reason, entry: lines[bad.index] };
      const verdict = verifyChain(entries, await this.readHead());
      return verdict.ok ? verdict : { ...verdict, entry: entries[verdict.index] };
    });
  }

  /** Waits for appends in flight. */
  async close(): Promise<void> {
    await this.tail;
  }

  /** The last entry's seq and hash, re-read from the file only when the log changed since this process last saw it. */
  private async lastHead(): Promise<{ head: AuditHead; size: number } | undefined> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await this.refuseIfHeadAhead(0);
      return undefined;
    }
    try {
      const { size } = await handle.stat();
      if (this.last && this.last.size === size) return this.last;
      if (size === 0) {
        await this.refuseIfHeadAhead(0);
        return undefined;
      }
      const line = await lastLine(handle, size, this.path);
      let entry: AuditEntry;
      try {
        entry = JSON.parse(line) as AuditEntry;
      } catch {
        throw new StoreError('damaged-audit-log', `The last line of ${this.path} is not an audit entry, so new entries cannot be chained to it. Run 'kmsw audit verify'; move the log away to start a new one.`);
      }
      await this.refuseIfHeadAhead(entry.seq);
      return { head: { seq: entry.seq, hash: entry.hash }, size };
    } finally {
      await handle.close();
    }
  }

  /** Appending after entries were cut off the end would hide the cut: refuse instead. */
  private async refuseIfHeadAhead(lastSeq: number): Promise<void> {
    const head = await this.readHead();
    if (head && head.seq > lastSeq) {
      throw new StoreError('damaged-audit-log', `${this.path} ends at entry ${lastSeq} but its head records entry ${head.seq}: entries were removed. Run 'kmsw audit verify'; move the log and its .head file away to start a new one.`);
    }
  }

  private async readHead(): Promise<AuditHead | undefined> {
    try {
      return JSON.parse(await readFile(this.headPath, 'utf8')) as AuditHead;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError('damaged-audit-log', `${this.headPath} is damaged. Run 'kmsw audit verify' to check the log itself.`);
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

/** The text of the file's last line (without its newline), reading backwards from the end in growing chunks. */
async function lastLine(handle: FileHandle, size: number, path: string): Promise<string> {
  for (let chunk = TAIL_CHUNK; ; chunk *= 4) {
    const start = Math.max(0, size - chunk);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    if (buffer[buffer.length - 1] !== 0x0a) {
      throw new StoreError('damaged-audit-log', `${path} ends with an incomplete entry (the writer stopped mid-line). Run 'kmsw audit verify'; move the log away to start a new one.`);
    }
    const newline = buffer.lastIndexOf(0x0a, buffer.length - 2);
    if (newline >= 0 || start === 0) return buffer.subarray(newline + 1, buffer.length - 1).toString('utf8');
  }
}
