/**
 * An inter-process lock on a folder's files: the VS Code extension, `kmsw serve` and `kmsw` commands
 * may share one keyring, from several containers or machines on a shared folder. proper-lockfile
 * takes the lock with an atomic mkdir and keeps it fresh by touching its mtime every few seconds; a
 * lock left untouched for `staleMs` belongs to a holder that died and is taken over. Staleness is
 * judged by time, not by process ID, so it holds across PID namespaces and hosts.
 *
 * A holder whose event loop is blocked (RSA key generation) cannot touch the lock: `staleMs` is far
 * longer than any such pause. Should another process still take the lock over, proper-lockfile
 * reports the compromise, and `assertHeld()` (which the store calls right before it commits) refuses
 * to write, so two holders never both commit.
 */
import { lock } from 'proper-lockfile';
import type { Logger } from '../../src-core/ports';
import { silentLogger } from '../../src-core/ports';
import { StoreError } from './store-error';

export interface FileLockOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** A lock untouched for this long is stale (default 20 s; at least 2 s). */
  staleMs?: number;
  logger?: Logger;
}

export interface HeldLock {
  /** Throws if the lock was taken over since it was acquired: the holder must not write. */
  assertHeld(): void;
}

/**
 * Long enough that no pause of a live holder comes near it (key generation runs in the thread pool;
 * the longest synchronous step is well under a second), short enough that a killed holder's lock is
 * taken over well within the 30 s a waiter waits.
 */
const DEFAULT_STALE_MS = 20_000;

export async function withFileLock<T>(lockPath: string, work: (held: HeldLock) => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  let compromised: Error | undefined;
  const release = await acquire(lockPath, options, (e) => {
    compromised = e;
    (options.logger ?? silentLogger).warn(`lost the lock ${lockPath}: ${e.message}`);
  });
  const held: HeldLock = {
    assertHeld() {
      if (compromised) throw new StoreError('lock-lost', `${lockPath} was taken over by another process while this one held it (${compromised.message}); nothing was written. Retry the call.`);
    },
  };
  try {
    return await work(held);
  } finally {
    // A compromised lock is no longer ours to remove.
    if (!compromised) await release().catch(() => undefined);
  }
}

async function acquire(lockPath: string, options: FileLockOptions, onCompromised: (e: Error) => void): Promise<() => Promise<void>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const stale = Math.max(2_000, options.staleMs ?? DEFAULT_STALE_MS);
  const started = Date.now();
  let delay = 1;
  for (;;) {
    try {
      // The lock is the folder `lockPath` itself; the file it guards need not exist.
      return await lock(lockPath, { lockfilePath: lockPath, realpath: false, stale, update: Math.max(1_000, Math.min(stale / 2, 2_000)), onCompromised });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    }
    if (Date.now() - started > timeoutMs) {
      throw new StoreError('lock-timeout', `${lockPath} is held by another process. A holder that stopped is taken over once the lock is ${stale / 1000} s old; if it is older and no KMS Workbench process is running, delete that folder and retry.`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
    delay = Math.min(delay * 2, 50);
  }
}
