/**
 * The keyring in an LMDB database (`keyring.lmdb` in the data folder), one sealed record per key and
 * alias (see keyring-view.ts), so a call loads and writes only the records it touches and a keyring
 * of 100,000 keys costs a call what a keyring of 100 does. What the file store promises holds here too:
 * - records are sealed under the root key (record-cipher.ts); the header's key check tells a wrong
 *   root key from a damaged database;
 * - every transaction runs under the same inter-process lock file as the file store's and commits in
 *   one LMDB write transaction, synced before `transact` resolves: all or nothing, even under SIGKILL
 *   (LMDB's copy-on-write pages never overwrite the last committed state);
 * - readers see committed transactions only, from this process or another one sharing the folder.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import type { KeyringIndex, KeyringStore, Logger } from '../../src-core/ports';
import { silentLogger } from '../../src-core/ports';
import type { KeyringState, LastUsage } from '../../src-core/kms/state';
import { withFileLock } from './file-lock';
import { FlushTimer } from './flush-timer';
import { keyCheck } from './keyring-file';
import { KeyringView, HEADER_RECORD, laterUsage, type RecordSource, type ViewChanges } from './keyring-view';
import { RecordCipher } from './record-cipher';
import { StoreError } from './store-error';

export const LMDB_FILE = 'keyring.lmdb';
const LOCK_FILE = 'keyring.lmdb.lock';
const MAGIC = Buffer.from('KMSW-KEYRINGDB', 'ascii');
const VERSION = 1;

export interface LmdbKeyringStoreOptions {
  dir: string;
  rootKey: Uint8Array;
  logger?: Logger;
  /** When a lock whose holder stopped is taken over (default 20 s); tests shorten it. */
  lockStaleMs?: number;
}

/** Opens (creating when new) the database in `options.dir`; synchronous, as LMDB's open is. */
export function openLmdbKeyringStore(options: LmdbKeyringStoreOptions): LmdbKeyringStore {
  if (options.rootKey.length !== 32) throw new RangeError('The root key must be 32 bytes.');
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const store = new LmdbKeyringStore(options);
  try {
    store.checkHeader();
  } catch (e) {
    void store.close();
    throw e;
  }
  return store;
}

export class LmdbKeyringStore implements KeyringStore {
  readonly path: string;
  private readonly db: RootDatabase<Buffer, string>;
  private readonly cipher: RecordCipher;
  private readonly header: Buffer;
  private readonly lockPath: string;
  private readonly logger: Logger;
  private readonly lockStaleMs: number | undefined;
  private readonly views = new WeakMap<KeyringState, KeyringView>();
  private readonly source: RecordSource;
  /** Serialises this process's transactions; the lock file serialises them across processes. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Last-use facts noted by reads and not saved yet, by key record. */
  private pendingUsage = new Map<string, { rk: string; keyId: string; usage: Record<string, LastUsage> }>();
  private readonly flushTimer = new FlushTimer(
    () => this.flush(),
    (e) => this.logger.warn(`could not save last-use facts to ${this.path}: ${e instanceof Error ? e.message : String(e)}`),
  );
  private closed = false;

  constructor(options: LmdbKeyringStoreOptions) {
    this.path = join(options.dir, LMDB_FILE);
    this.lockPath = join(options.dir, LOCK_FILE);
    this.logger = options.logger ?? silentLogger;
    this.lockStaleMs = options.lockStaleMs;
    this.cipher = new RecordCipher(options.rootKey);
    this.header = Buffer.concat([MAGIC, Buffer.of(VERSION), keyCheck(options.rootKey)]);
    // overlappingSync off: a commit is flushed to disk before transactionSync returns.
    this.db = open<Buffer, string>({ path: this.path, encoding: 'binary', overlappingSync: false, compression: false });
    this.source = {
      load: (name) => {
        const sealed = this.db.get(name);
        if (sealed === undefined) return undefined;
        const text = this.cipher.open(name, sealed);
        if (text === undefined) throw new StoreError('damaged-file', `${this.path} is damaged (record ${name.split('|')[0]} fails authentication); it was left untouched. Restore it from a backup, or move it away to start an empty keyring.`);
        return text;
      },
      plain: (name) => this.db.get(name)?.toString('utf8'),
      names: (start, end, offset = 0, limit = Infinity) => [...this.db.getKeys({ start, end, offset, limit: limit === Infinity ? undefined : limit })],
    };
  }

  /** Writes the header into a new database, or checks the one there: our format, this root key. */
  checkHeader(): void {
    // Inside LMDB's write transaction, so of two processes creating the database one writes the header and the other checks it.
    this.db.transactionSync(() => {
      if (this.db.get(HEADER_RECORD) !== undefined) return;
      if ([...this.db.getKeys({ limit: 1 })].length > 0) throw new StoreError('damaged-file', `${this.path} has records but no header; it was left untouched. Restore it from a backup, or move it away to start an empty keyring.`);
      void this.db.put(HEADER_RECORD, this.header);
    });
    const found = this.db.get(HEADER_RECORD)!;
    if (!found.subarray(0, MAGIC.length).equals(MAGIC)) throw new StoreError('foreign-file', `${this.path} is not a KMS Workbench keyring. Move it away or choose another data folder (--data DIR or KMSW_DATA_DIR).`);
    if (found[MAGIC.length] > VERSION) throw new StoreError('newer-format', `${this.path} was written by a newer KMS Workbench (keyring format ${found[MAGIC.length]}; this version reads format ${VERSION}). Upgrade KMS Workbench to open it.`);
    if (!found.equals(this.header)) throw new StoreError('wrong-root-key', `${this.path} was encrypted under a different root key. Use the root key it was created with (KMSW_ROOT_KEY or root.key in the data folder).`);
  }

  async read(): Promise<KeyringState> {
    return this.view().state;
  }

  index(state: KeyringState): KeyringIndex {
    const view = this.views.get(state);
    if (!view) throw new TypeError('index() takes a state this store handed out.');
    return view.index;
  }

  transact<T>(mutate: (state: KeyringState) => T | Promise<T>): Promise<T> {
    const result = this.tail.then(() =>
      withFileLock(
        this.lockPath,
        async (held) => {
          // Under the lock nobody else writes: the view reads the latest committed records.
          const view = this.view();
          const value = await mutate(view.state);
          const changes = view.changes();
          held.assertHeld();
          this.write(changes);
          return value;
        },
        { logger: this.logger, staleMs: this.lockStaleMs },
      ),
    );
    this.tail = result.catch(() => undefined);
    return result;
  }

  markDirty(state: KeyringState): void {
    for (const noted of this.views.get(state)?.lastUsage() ?? []) {
      const name = `${noted.rk}|${noted.keyId}`;
      const known = this.pendingUsage.get(name);
      this.pendingUsage.set(name, known ? { ...noted, usage: laterUsage(known.usage, noted.usage) } : noted);
    }
    if (!this.closed) this.flushTimer.schedule();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flushTimer.cancel();
    await this.flush().catch((e: unknown) => this.logger.warn(`could not save last-use facts to ${this.path}: ${e instanceof Error ? e.message : String(e)}`));
    await this.tail;
    this.closed = true;
    await this.db.close();
  }

  private view(): KeyringView {
    const view = new KeyringView(this.source, (rk, keyId) => this.pendingUsage.get(`${rk}|${keyId}`)?.usage);
    this.views.set(view.state, view);
    return view;
  }

  private write(changes: ViewChanges): void {
    if (changes.sealed.size === 0 && changes.indexPut.size === 0 && changes.indexRemove.length === 0) return;
    this.db.transactionSync(() => {
      for (const name of changes.indexRemove) void this.db.remove(name);
      for (const [name, value] of changes.indexPut) void this.db.put(name, Buffer.from(value, 'utf8'));
      for (const [name, text] of changes.sealed) void (text === undefined ? this.db.remove(name) : this.db.put(name, this.cipher.seal(name, text)));
    });
  }

  private async flush(): Promise<void> {
    if (this.pendingUsage.size === 0) return;
    const pending = [...this.pendingUsage];
    // Loading each key shows its pending facts on it, so the transaction writes them.
    await this.transact((state) => {
      for (const [, { rk, keyId }] of pending) void state.regions[rk]?.keys[keyId];
    });
    for (const [name, saved] of pending) if (this.pendingUsage.get(name) === saved) this.pendingUsage.delete(name);
  }
}
