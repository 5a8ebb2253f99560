/**
 * The keyring in a data folder, encrypted at rest under the root key (see keyring-file.ts), shared
 * safely by several processes (the VS Code extension and `kmsw serve`):
 * - every transaction runs under an inter-process lock file and starts from the latest file contents;
 * - every read first checks whether another process wrote since the last load (the header's write id);
 * - a transaction is all or nothing: it changes a copy, which is written and then replaces the loaded state;
 * - writes are atomic (temp file, fsync, rename, fsync the folder);
 * - a file it cannot read (foreign, damaged, newer, wrong root key) is an error, never reset.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyringIndex, KeyringStore, Logger } from '../../src-core/ports';
import { walkingIndex } from '../../src-core/kms/keyring-index';
import { silentLogger } from '../../src-core/ports';
import { emptyKeyring, type KeyringState } from '../../src-core/kms/state';
import { removeAbandonedTempFiles, writeFileAtomic } from './atomic-write';
import { withFileLock } from './file-lock';
import { FlushTimer } from './flush-timer';
import { decryptKeyring, encryptKeyring, HEADER_LENGTH, writeIdOf } from './keyring-file';

export const KEYRING_FILE = 'keyring.kmsw';
/** proper-lockfile's lock folder (a new name: a `keyring.lock` file of an older version is not a folder lock). */
export const KEYRING_LOCK_FILE = 'keyring.kmsw.lock';

export interface FileKeyringStoreOptions {
  dir: string;
  rootKey: Uint8Array;
  logger?: Logger;
  /** When a lock whose holder stopped is taken over (default 20 s); tests shorten it. */
  lockStaleMs?: number;
}

export async function openFileKeyringStore(options: FileKeyringStoreOptions): Promise<FileKeyringStore> {
  if (options.rootKey.length !== 32) throw new RangeError('The root key must be 32 bytes.');
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const store = new FileKeyringStore(options);
  const abandoned = await removeAbandonedTempFiles(store.path);
  if (abandoned.length) (options.logger ?? silentLogger).info(`removed ${abandoned.length} temp file(s) left in ${options.dir} by a process that stopped mid-write`);
  await store.read();
  return store;
}

export class FileKeyringStore implements KeyringStore {
  readonly path: string;
  private readonly lockPath: string;
  private readonly rootKey: Uint8Array;
  private readonly logger: Logger;
  private readonly lockStaleMs: number | undefined;
  private state: KeyringState = emptyKeyring();
  /** Write id of the loaded file; null when there is no file yet, undefined when the state must be reloaded. */
  private loadedWriteId: string | null | undefined;
  private refreshing: Promise<void> | undefined;
  private inTransaction = false;
  /** Serialises this process's transactions; the lock file serialises them across processes. */
  private tail: Promise<unknown> = Promise.resolve();
  private dirty = false;
  private readonly flushTimer = new FlushTimer(
    () => this.flush(),
    (e) => this.logger.warn(`could not save last-use facts to ${this.path}: ${e instanceof Error ? e.message : String(e)}`),
  );

  constructor(options: FileKeyringStoreOptions) {
    this.path = join(options.dir, KEYRING_FILE);
    this.lockPath = join(options.dir, KEYRING_LOCK_FILE);
    this.rootKey = options.rootKey;
    this.logger = options.logger ?? silentLogger;
    this.lockStaleMs = options.lockStaleMs;
  }

  async read(): Promise<KeyringState> {
    // Inside a transaction this process holds the lock, so nobody else can have written.
    if (!this.inTransaction) await this.refresh();
    return this.state;
  }

  transact<T>(mutate: (state: KeyringState) => T | Promise<T>): Promise<T> {
    const result = this.tail.then(() =>
      withFileLock(
        this.lockPath,
        async (held) => {
          this.inTransaction = true;
          try {
            // A read's reload that began before the lock may hold an older file: let it finish, then load afresh.
            await this.refreshing?.catch(() => undefined);
            await this.reloadIfChanged();
            // `mutate` works on a copy, so a throw leaves the loaded state as it was and a concurrent read never sees half a change.
            const draft = structuredClone(this.state);
            const value = await mutate(draft);
            // Last-use facts noted by reads while `mutate` ran went to the loaded state: carry them over.
            if (this.dirty) mergeLastUsage(this.state, draft);
            held.assertHeld();
            await this.persist(draft);
            return value;
          } finally {
            this.inTransaction = false;
          }
        },
        { logger: this.logger, staleMs: this.lockStaleMs },
      ),
    );
    this.tail = result.catch(() => undefined);
    return result;
  }

  index(state: KeyringState): KeyringIndex {
    return walkingIndex(state);
  }

  markDirty(): void {
    this.dirty = true;
    this.flushTimer.schedule();
  }

  async close(): Promise<void> {
    this.flushTimer.cancel();
    await this.flush();
    await this.tail;
  }

  private async flush(): Promise<void> {
    if (this.dirty) await this.transact(() => undefined);
  }

  private async persist(state: KeyringState): Promise<void> {
    const bytes = encryptKeyring(state, this.rootKey);
    await writeFileAtomic(this.path, bytes);
    this.state = state;
    this.loadedWriteId = writeIdOf(bytes);
    this.dirty = false;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.reloadIfChanged().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async reloadIfChanged(): Promise<void> {
    const header = readHeader(this.path);
    if (header === undefined) {
      if (this.loadedWriteId !== null) {
        this.state = emptyKeyring();
        this.loadedWriteId = null;
      }
      return;
    }
    if (header.length === HEADER_LENGTH && writeIdOf(header) === this.loadedWriteId) return;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (e) {
      // Gone since the header was read: the next read sees the missing file.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const latest = decryptKeyring(bytes, this.rootKey, this.path);
    // Keep this process's unsaved last-use facts across a reload; the next write saves them.
    if (this.dirty) mergeLastUsage(this.state, latest);
    this.state = latest;
    this.loadedWriteId = writeIdOf(bytes);
    this.logger.debug(`loaded the keyring from ${this.path}`);
  }
}

/**
 * The file's header, or undefined when there is no file. Synchronous on purpose: every KMS call
 * reads the keyring, and this check costs about 4 µs inline against about 80 µs through libuv's
 * thread pool (measured on ext4).
 */
export function readHeader(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const header = Buffer.alloc(HEADER_LENGTH);
    return header.subarray(0, readSync(fd, header, 0, HEADER_LENGTH, 0));
  } finally {
    closeSync(fd);
  }
}

/** Copies last-use facts from `from` into the same keys of `into`, keeping the later use of each operation. */
function mergeLastUsage(from: KeyringState, into: KeyringState): void {
  for (const [region, regionState] of Object.entries(from.regions)) {
    for (const [keyId, key] of Object.entries(regionState.keys)) {
      const target = into.regions[region]?.keys[keyId];
      if (!key.lastUsage || !target) continue;
      for (const [operation, usage] of Object.entries(key.lastUsage)) {
        const known = target.lastUsage?.[operation];
        if (!known || known.at < usage.at) (target.lastUsage ??= {})[operation] = usage;
      }
    }
  }
}
