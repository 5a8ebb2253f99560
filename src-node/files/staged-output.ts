/**
 * An output file that appears at its target only when complete: bytes go to a 0600 temp file created
 * exclusively in the target's folder (so the final rename never crosses filesystems), which is
 * fsynced and then published. Without force the publish is a hard link, which fails if the target
 * appeared meanwhile, instead of a rename, which would silently replace it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, open, readdir, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { KmsError } from '../../src-core/kms-error';
import { syncDirectory } from '../store/atomic-write';
import { isProcessRunning } from '../store/atomic-write';

/**
 * Our temp files: `.<target name>.kmsw-<host>-<pid>-<random>.tmp`, where host is a short hash of the
 * host name, so a later run can tell a temp file abandoned by a killed job (same host, process gone)
 * from one a job is still writing. Files of the older `.kmsw-<random>.tmp` form are ours too. Folder
 * walks skip them all.
 */
export const TEMP_FILE_PATTERN = /^\..*\.kmsw-(?:([0-9a-f]{8})-(\d+)-)?[0-9a-f]{12}\.tmp$/;

const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/**
 * A temp file of another host (a container or a machine sharing the folder), or one whose owner we
 * cannot tell, is abandoned only once nobody has written to it for this long: a live job writes
 * continuously, and its KMS calls time out long before.
 */
const FOREIGN_STALE_MS = 60 * 60 * 1000;

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.kmsw-${HOST}-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Removes temp files that killed jobs (SIGKILL, power loss) left in `dir`: a decryption's holds
 * plaintext. Ours only (by name), and only when abandoned: written by a process of this host that
 * is gone, or untouched for FOREIGN_STALE_MS. A concurrent job's file is kept. Returns the names.
 */
export async function removeAbandonedTempFiles(dir: string, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return []; // A folder that is not there yet (or unreadable) holds nothing of ours to clean.
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_FILE_PATTERN.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    const ownerGone = m[1] === HOST && Number(m[2]) !== process.pid && !isProcessRunning(Number(m[2]));
    if (!ownerGone) {
      const info = await lstat(path).catch(() => undefined);
      if (!info?.isFile() || now - info.mtimeMs < FOREIGN_STALE_MS) continue;
    }
    await unlink(path).then(() => removed.push(name), () => undefined);
  }
  return removed;
}

export function targetExistsError(target: string): KmsError {
  return new KmsError('AlreadyExistsException', `${target} already exists; pass --force (or choose another output) to replace it`);
}

/** Hard links are not available everywhere (FAT, some network shares); those fall back to check-then-rename. */
const NO_LINK = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

export async function publish(temp: string, target: string, force: boolean): Promise<void> {
  const file = await open(temp, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  if (force) {
    await rename(temp, target);
  } else {
    try {
      await link(temp, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw targetExistsError(target);
      if (!code || !NO_LINK.has(code)) throw e;
      if (await exists(target)) throw targetExistsError(target);
      await rename(temp, target);
    }
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dirname(target));
}

export async function discard(temp: string): Promise<void> {
  await unlink(temp).catch(() => undefined);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
