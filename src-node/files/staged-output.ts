/**
 * An output file that appears at its target only when complete: bytes go to a 0600 temp file created
 * exclusively in the target's folder (so the final rename never crosses filesystems), which is
 * fsynced and then published. Without force the publish is a hard link, which fails if the target
 * appeared meanwhile, instead of a rename, which would silently replace it.
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KmsError } from '../../src-core/errors';
import { syncDirectory } from '../store/atomic-write';

/** Our temp files: `.<target name>.kmsw-<hex>.tmp`. Folder walks skip them. */
export const TEMP_FILE_PATTERN = /^\..*\.kmsw-[0-9a-f]{12}\.tmp$/;

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.kmsw-${randomBytes(6).toString('hex')}.tmp`);
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
