/**
 * The audit log the panel shows: the local keyring's CloudTrail-format log, read through the store's
 * file audit sink. `changed()` compares the log's size and modification time, so a visible panel can
 * poll cheaply and re-read only when something was appended (by this window, another one or `kmsw serve`).
 */
import { stat } from 'node:fs/promises';
import type { ChainVerdict } from '../../src-core/audit/chain';
import type { CloudTrailEvent } from '../../src-core/audit/event';
import { openFileAuditSink, type FileAuditSink } from '../../src-node/audit/file-audit-sink';

export interface LogSnapshot {
  events: CloudTrailEvent[];
  /** Set when the log could not be read as a whole (a damaged line): the chain status says where. */
  error?: unknown;
}

export class AuditLogSource {
  private sink: Promise<FileAuditSink> | undefined;
  private seen = '';

  /** `dir` is the folder holding the log (a local connection's `auditLogPath`). */
  constructor(readonly dir: string) {}

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
      return { events: await sink.read() };
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
