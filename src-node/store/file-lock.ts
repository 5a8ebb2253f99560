/**
 * An inter-process lock on a folder's files: the VS Code extension and `kmsw serve` may share one
 * keyring. The lock is a file created with O_EXCL holding the owner's pid and the time; a lock whose
 * pid is no longer running is stale (its owner crashed) and is taken over. Waiting backs off from
 * 1 ms to 50 ms so a contended lock neither spins nor adds much latency.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { link, readFile, rename, stat, unlink } from 'node:fs/promises';
import type { Logger } from '../../src-core/ports';
import { silentLogger } from '../../src-core/ports';
import { StoreError } from './store-error';

export interface FileLockOptions {
  /** Give up after this long (default 30 s): a live owner never holds the lock that long. */
  timeoutMs?: number;
  logger?: Logger;
}

interface LockOwner {
  pid: number;
  at: string;
}

/** A lock file nobody wrote into yet is stale once it is this old (its creator died before writing). */
const EMPTY_LOCK_GRACE_MS = 5_000;

export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  await acquire(lockPath, options);
  try {
    return await work();
  } finally {
    release(lockPath);
  }
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const logger = options.logger ?? silentLogger;
  const started = Date.now();
  let delay = 1;
  for (;;) {
    if (tryCreate(lockPath)) return;
    const owner = await readOwner(lockPath);
    if (owner !== 'gone' && (await isStale(lockPath, owner))) {
      if (await removeStale(lockPath, owner)) {
        logger.warn(`took over the lock ${lockPath} left by process ${owner?.pid ?? 'unknown'}, which is no longer running`);
      }
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      const who = owner && owner !== 'gone' ? `process ${owner.pid} (since ${owner.at})` : 'another process';
      throw new StoreError('lock-timeout', `${lockPath} is held by ${who}. If no KMS Workbench process is running, delete that file and retry.`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
    delay = Math.min(delay * 2, 50);
  }
}

/**
 * Synchronous on purpose: every transaction and audit append takes the lock, and the three
 * syscalls cost about 60 µs inline against about 220 µs through libuv's thread pool (measured on
 * ext4), where they would also queue behind other file work.
 */
function tryCreate(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    const owner: LockOwner = { pid: process.pid, at: new Date().toISOString() };
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  return true;
}

function release(lockPath: string): void {
  try {
    unlinkSync(lockPath);
  } catch {
    // Already removed by someone else: there is nothing left to release.
  }
}

/** The lock's owner, undefined when the file is empty or unreadable, 'gone' when it was just released. */
async function readOwner(lockPath: string): Promise<LockOwner | undefined | 'gone'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

async function isStale(lockPath: string, owner: LockOwner | undefined): Promise<boolean> {
  if (owner) return !isProcessRunning(owner.pid);
  try {
    return Date.now() - (await stat(lockPath)).mtimeMs > EMPTY_LOCK_GRACE_MS;
  } catch {
    return false;
  }
}

/** Whether a process with this pid exists (on this machine). */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock without removing a fresh one another process created in the meantime: move
 * the file aside, and put it back (link refuses to overwrite) if it turns out not to be the stale one.
 */
async function removeStale(lockPath: string, stale: LockOwner | undefined): Promise<boolean> {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return false;
  }
  const moved = await readOwner(aside);
  const same = moved !== 'gone' && moved?.pid === stale?.pid && moved?.at === stale?.at;
  if (!same) await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return same;
}
