/**
 * Replaces a file so that a reader or a crash sees either the old or the new contents, never a mix:
 * write a temp file in the same folder, fsync it, rename it over the target, fsync the folder (so
 * the rename itself survives a power loss).
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, data: Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${tempPrefix(path)}${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', mode);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await syncDirectory(dir);
}

function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/** Removes temp files of `path` left by processes killed mid-write (the writer's pid is in the name); returns their names. */
export async function removeAbandonedTempFiles(path: string): Promise<string[]> {
  const prefix = tempPrefix(path);
  const removed: string[] = [];
  for (const name of await readdir(dirname(path))) {
    const pid = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length))?.[1] : undefined;
    if (pid === undefined || isProcessRunning(Number(pid))) continue;
    await unlink(join(dirname(path), name)).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

export async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a folder for fsync; its rename is durable enough for a local tool.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
