/**
 * The root key that encrypts the keyring at rest, for the CLI and `kmsw serve`: `KMSW_ROOT_KEY`
 * (base64 of 32 bytes) when set, else `root.key` in the data folder, created on first use with mode
 * 0600 in a 0700 folder. (The extension keeps its root key in VS Code SecretStorage instead.)
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDirectory } from './atomic-write';
import { KEYRING_FILE } from './file-store';
import { LMDB_FILE } from './lmdb-store';
import { StoreError } from './store-error';

export const ROOT_KEY_FILE = 'root.key';
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

export async function loadOrCreateRootKey(options: { dir: string; env?: NodeJS.ProcessEnv }): Promise<Uint8Array> {
  const fromEnv = (options.env ?? process.env).KMSW_ROOT_KEY;
  if (fromEnv !== undefined) return parseRootKey(fromEnv.trim(), 'KMSW_ROOT_KEY');
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const path = join(options.dir, ROOT_KEY_FILE);
  try {
    return await readRootKeyFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return createRootKeyFile(path, newRootKeyFor(options.dir));
}

/**
 * 32 fresh bytes for a folder's first root key. A keyring already in the folder was encrypted under
 * another key, which a new one could never open: refuse and say what is missing instead.
 */
export function newRootKeyFor(dir: string): Buffer {
  const keyring = [LMDB_FILE, KEYRING_FILE].map((name) => join(dir, name)).find((path) => existsSync(path));
  if (keyring !== undefined) {
    throw new StoreError(
      'missing-root-key',
      `The root key of the keyring ${keyring} is missing: ${join(dir, ROOT_KEY_FILE)} does not exist and KMSW_ROOT_KEY is not set. Restore root.key (mode 0600) from where you keep it, or set KMSW_ROOT_KEY; without it the keyring cannot be opened.`,
    );
  }
  return randomBytes(32);
}

function parseRootKey(text: string, source: string): Uint8Array {
  if (!BASE64_32_BYTES.test(text)) {
    throw new StoreError('bad-root-key', `${source} must be the base64 encoding of exactly 32 bytes (44 characters ending in "="), e.g. the output of \`openssl rand -base64 32\`.`);
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

async function readRootKeyFile(path: string): Promise<Uint8Array> {
  const { mode } = await stat(path);
  // POSIX permissions only: on Windows the file inherits the user profile's ACL.
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new StoreError('insecure-root-key', `${path} can be read by other users (mode ${(mode & 0o777).toString(8)}). Run \`chmod 600 ${path}\` and retry.`);
  }
  return parseRootKey((await readFile(path, 'utf8')).trim(), path);
}

/** Writes a fresh key to a temp file, then links it into place: link never overwrites, so of two processes starting together one key wins and both use it. */
async function createRootKeyFile(path: string, key: Buffer): Promise<Uint8Array> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${key.toString('base64')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return readRootKeyFile(path);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dirname(path));
  return new Uint8Array(key);
}
