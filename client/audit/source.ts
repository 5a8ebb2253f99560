/**
 * Where the panel's events come from (`AuditSource`), and the local keyring's CloudTrail-format log,
 * read through the store's file audit sink (`AuditLogSource`): the newest events, and the newest segment's
 * chain with the digests of the sealed ones. Its `changed()` compares the log's size
 * and modification time, so a visible panel can poll cheaply and re-read only when something was
 * appended (by this window, another one or `kmsw serve`).
 */
import { stat } from 'node:fs/promises';
import type { ChainVerdict } from '../../src-core/audit/chain';
import type { CloudTrailEvent } from '../../src-core/audit/event';
import { openFileAuditSink, type FileAuditSink } from '../../src-node/audit/file-audit-sink';

/** How many of the newest events the panel reads from the local log. */
const NEWEST_EVENTS = 10_000;

export interface LogSnapshot {
  /** Oldest first, as a log is written. */
  events: CloudTrailEvent[];
  /** Set when the log could not be read as a whole (a damaged line): the chain status says where. */
  error?: unknown;
  /** What the user should know about what was read, e.g. that only the newest events were fetched. */
  notice?: string;
}

/** A hash chain's verdict, or why the source has no chain to verify. */
export type ChainCheck = (ChainVerdict & { entry?: unknown }) | { unchained: string };

/** What the audit panel reads events from: the local log or AWS CloudTrail, alike to the panel. */
export interface AuditSource {
  /** Shown beside the connection's name, e.g. the log's folder. */
  readonly location: string;
  load(): Promise<LogSnapshot>;
  verify(): Promise<ChainCheck>;
  /** Whether a `load()` now would read something new; cheap, as a visible panel polls it. */
  changed(): Promise<boolean>;
}

export class AuditLogSource implements AuditSource {
  private sink: Promise<FileAuditSink> | undefined;
  private seen = '';

  /** `dir` is the folder holding the log (a local connection's `auditLogPath`). */
  constructor(readonly dir: string) {}

  get location(): string {
    return this.dir;
  }

  private open(): Promise<FileAuditSink> {
    this.sink ??= openFileAuditSink({ dir: this.dir }).catch((error: unknown) => {
      this.sink = undefined; // retry on the next call, e.g. once the folder is reachable again
      throw error;
    });
    return this.sink;
  }

  async load(): Promise<LogSnapshot> {
    const sink = await this.open();
    this.seen = await this.fingerprint(sink);
    try {
      // The newest events only: a log of a million entries reads as fast as a small one.
      const { events, total } = await sink.readNewest(NEWEST_EVENTS);
      if (total <= events.length) return { events };
      return { events, notice: `Showing the newest ${events.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} calls; 'kmsw audit export' writes them all.` };
    } catch (error) {
      return { events: [], error };
    }
  }

  async verify(): Promise<ChainVerdict & { entry?: unknown }> {
    return (await this.open()).verify();
  }

  /** Whether the log differs from what the last `load()` read. */
  async changed(): Promise<boolean> {
    return (await this.fingerprint(await this.open())) !== this.seen;
  }

  private async fingerprint(sink: FileAuditSink): Promise<string> {
    const parts = await Promise.all([sink.path, sink.headPath].map(async (path) => {
      try {
        const s = await stat(path);
        return `${s.size}:${s.mtimeMs}`;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
        throw error;
      }
    }));
    return parts.join('/');
  }
}
