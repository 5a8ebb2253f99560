/**
 * Opens a data folder's keyring for every Node host (extension, `kmsw serve`, `kmsw` commands): the
 * LMDB store (lmdb-store.ts). A folder still holding the single-file keyring of earlier versions
 * (`keyring.kmsw`) is migrated on first open: under that file's lock (so of two processes opening it
 * together one migrates and the other waits, then finds it done, and a running older host cannot
 * write mid-way), the whole keyring is copied into the database in one transaction, the file is
 * copied to a backup, and then replaced by a marker that older versions refuse as "written by a newer
 * KMS Workbench" (keyring-file.ts) instead of finding no file and starting an empty keyring. Both come
 * after the commit: a process killed before the marker is in place leaves the file as it was and the
 * next opener copies it again over the same records.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../src-core/ports';
import { silentLogger } from '../../src-core/ports';
import type { KeyringState } from '../../src-core/kms/state';
import { writeFileAtomic } from './atomic-write';
import { withFileLock } from './file-lock';
import { KEYRING_FILE, KEYRING_LOCK_FILE, readHeader } from './file-store';
import { decryptKeyring, isMovedMarker, movedMarker } from './keyring-file';
import { LMDB_FILE, openLmdbKeyringStore, type LmdbKeyringStore } from './lmdb-store';

export interface KeyringStoreOptions {
  dir: string;
  rootKey: Uint8Array;
  logger?: Logger;
  /** When a lock whose holder stopped is taken over (default 20 s); tests shorten it. */
  lockStaleMs?: number;
}

export async function openKeyringStore(options: KeyringStoreOptions): Promise<LmdbKeyringStore> {
  // The marker replaces the file after the commit, so a folder without the file or with the marker needs nothing more.
  const header = readHeader(join(options.dir, KEYRING_FILE));
  if (header !== undefined && !isMovedMarker(header)) {
    await withFileLock(join(options.dir, KEYRING_LOCK_FILE), (held) => migrate(options, held.assertHeld), { logger: options.logger, staleMs: options.lockStaleMs });
  }
  return openLmdbKeyringStore(options);
}

/** `keyring.kmsw.<time>.bak`: never the name of an earlier backup. */
export function backupName(now: Date): string {
  return `${KEYRING_FILE}.${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.bak`;
}

async function migrate(options: KeyringStoreOptions, assertHeld: () => void): Promise<void> {
  const path = join(options.dir, KEYRING_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    // Another process migrated it while this one waited for the lock.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (isMovedMarker(bytes)) return;
  // A file this version cannot read (foreign, damaged, newer, wrong root key) stops the open before a database exists, and stays as it was.
  const legacy = decryptKeyring(bytes, options.rootKey, path);
  const keys = Object.values(legacy.regions).reduce((n, region) => n + Object.keys(region.keys).length, 0);
  const store = openLmdbKeyringStore(options);
  try {
    await store.transact((state) => copyKeyring(legacy, state));
  } finally {
    await store.close();
  }
  assertHeld();
  const backup = join(options.dir, backupName(new Date()));
  await writeFileAtomic(backup, bytes);
  await writeFileAtomic(path, movedMarker(LMDB_FILE));
  (options.logger ?? silentLogger).info(`moved the keyring of ${path} (${keys} keys) into ${store.path}; the old file is kept as ${backup}`);
}

/** Everything of the file's keyring into the database's, keys in their creation order (ListKeys's); `from`'s Regions become the view's. */
function copyKeyring(from: KeyringState, into: KeyringState): void {
  into.clockOffsetMs = from.clockOffsetMs;
  into.auditOutbox = from.auditOutbox;
  into.auditAnchor = from.auditAnchor;
  for (const [rk, region] of Object.entries(from.regions)) into.regions[rk] = region;
}
