/**
 * Encrypting or decrypting a folder, recursively and file by file, each file with the guarantees of
 * file-crypto.ts. Output names follow the AWS Encryption CLI (`.encrypted` added on encrypt; removed,
 * or `.decrypted` added, on decrypt); with an output folder the tree is mirrored into it. One file's
 * failure does not stop the others: every file gets a result. Symbolic links are not followed (no
 * loops, nothing outside the folder), our own temp files are skipped, and so are files that are
 * already in the state asked for (`.encrypted` files on encrypt, anything else on decrypt), so a
 * folder can be encrypted in place and decrypted back.
 */
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { decryptFile, encryptFile, type DecryptFileOptions, type EncryptFileOptions, type FileJobOptions, type FileJobResult, type FileProgress } from './file-crypto';
import { removeAbandonedTempFiles, TEMP_FILE_PATTERN } from './staged-output';

export const ENCRYPTED_SUFFIX = '.encrypted';
export const DECRYPTED_SUFFIX = '.decrypted';

export function encryptedName(path: string): string {
  return `${path}${ENCRYPTED_SUFFIX}`;
}

export function decryptedName(path: string): string {
  return path.endsWith(ENCRYPTED_SUFFIX) && path.length > ENCRYPTED_SUFFIX.length ? path.slice(0, -ENCRYPTED_SUFFIX.length) : `${path}${DECRYPTED_SUFFIX}`;
}

export type FolderFileResult =
  | ({ status: 'done' } & FileJobResult)
  | { status: 'failed'; input: string; output: string; error: Error }
  | { status: 'skipped'; input: string; reason: string };

export interface FolderJobOptions extends FileJobOptions {
  /** Mirror the tree into this folder; default: each output next to its input. */
  outputDir?: string;
  /** Called as each file starts, with its index among the files to process. */
  onFile?(input: string, index: number, count: number): void;
  /** Progress within the current file. */
  onProgress?(progress: FileProgress): void;
}

export function encryptFolder(dir: string, options: FolderJobOptions & EncryptFileOptions): Promise<FolderFileResult[]> {
  return runFolder(dir, options, (name) => !name.endsWith(ENCRYPTED_SUFFIX), encryptedName, (i, o) => encryptFile(i, o, options, false), 'already encrypted');
}

export function decryptFolder(dir: string, options: FolderJobOptions & DecryptFileOptions): Promise<FolderFileResult[]> {
  return runFolder(dir, options, (name) => name.endsWith(ENCRYPTED_SUFFIX), decryptedName, (i, o) => decryptFile(i, o, options, false), `no ${ENCRYPTED_SUFFIX} suffix`);
}

async function runFolder(
  dir: string,
  options: FolderJobOptions,
  wanted: (name: string) => boolean,
  rename: (path: string) => string,
  job: (input: string, output: string) => Promise<FileJobResult>,
  skipReason: string,
): Promise<FolderFileResult[]> {
  const results: FolderFileResult[] = [];
  const todo: string[] = [];
  // An output folder inside the input folder is not walked: its files are outputs, not inputs.
  for await (const entry of walk(dir, options.outputDir ? resolve(options.outputDir) : undefined)) {
    if (entry.kind === 'skip') results.push({ status: 'skipped', input: entry.path, reason: entry.reason });
    else if (!wanted(entry.path)) results.push({ status: 'skipped', input: entry.path, reason: skipReason });
    else todo.push(entry.path);
  }
  const swept = new Set<string>();
  for (const [index, input] of todo.entries()) {
    // A cancel stops the walk; the file in progress cleans up after itself.
    options.signal?.throwIfAborted();
    const output = rename(options.outputDir ? join(options.outputDir, relative(dir, input)) : input);
    options.onFile?.(input, index, todo.length);
    try {
      await checkOutputPath(input, output, options.outputDir);
      if (options.outputDir) await mkdir(dirname(output), { recursive: true });
      // Each output folder once: a per-file sweep would read a folder of n files n times.
      if (!swept.has(dirname(output))) {
        swept.add(dirname(output));
        await removeAbandonedTempFiles(dirname(output));
      }
      results.push({ status: 'done', ...(await job(input, output)) });
    } catch (e) {
      if (options.signal?.aborted) throw e;
      results.push({ status: 'failed', input, output, error: e instanceof Error ? e : new Error(String(e)) });
    }
  }
  return results;
}

async function lstatOrNone(path: string) {
  return lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
}

/**
 * Refuses, in plain words, an output the file system would refuse with a bare ENOTDIR or EISDIR, or one
 * that would land outside the output folder: a symbolic link among the folders below the output folder
 * (mkdir and the write would follow it), a file where a folder is needed, a folder where the output goes,
 * or a name that is only the suffix (`..encrypted` decrypts to the folder itself).
 */
async function checkOutputPath(input: string, output: string, outputDir: string | undefined): Promise<void> {
  const name = basename(output);
  if (name === '.' || name === '..' || name === '') {
    throw new Error(`cannot decrypt ${input}: its name is only the ${ENCRYPTED_SUFFIX} suffix, so the output would be the folder itself; rename the file (e.g. to something${ENCRYPTED_SUFFIX})`);
  }
  if (outputDir) {
    const root = resolve(outputDir);
    let path = root;
    for (const part of relative(root, dirname(resolve(output))).split(sep).filter(Boolean)) {
      path = join(path, part);
      const stats = await lstatOrNone(path);
      if (!stats) break; // the rest is created below the output folder
      if (stats.isSymbolicLink()) throw new Error(`cannot write ${output}: ${path} is a symbolic link, and writing through it would put the output outside the output folder; remove the link or pick another output folder`);
      if (!stats.isDirectory()) throw new Error(`cannot write ${output}: ${path} is a file where the output needs a folder; move it or pick another output folder`);
    }
  }
  if ((await lstatOrNone(output))?.isDirectory()) throw new Error(`cannot write ${output}: a folder of that name is in the way; rename the folder or pick an output folder with -o`);
}

type WalkEntry = { kind: 'file'; path: string } | { kind: 'skip'; path: string; reason: string };

/** Files in a stable (sorted) order, depth first, without following links. */
async function* walk(dir: string, exclude: string | undefined): AsyncGenerator<WalkEntry> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (TEMP_FILE_PATTERN.test(entry.name)) continue;
    if (entry.isDirectory()) {
      if (resolve(path) !== exclude) yield* walk(path, exclude);
    } else if (entry.isFile()) {
      yield { kind: 'file', path };
    } else {
      yield { kind: 'skip', path, reason: entry.isSymbolicLink() ? 'symbolic link (not followed)' : 'not a regular file' };
    }
  }
}
