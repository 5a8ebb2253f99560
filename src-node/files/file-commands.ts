/**
 * What `kmsw encrypt-file` and `kmsw decrypt-file` share: where KMS is, `--context k=v` pairs, the
 * progress line on a terminal, file-or-folder dispatch and the per-file report.
 */
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { dataDirOf, accountIdOf, regionOf, type ParsedArgs } from '../cli/args';
import { UsageError, type CliIo } from '../cli/command';
import type { EncryptionContext } from '../../src-core/encryption-sdk/key-provider';
import type { FileJobResult, FileProgress } from './file-crypto';
import type { FolderFileResult } from './folder-crypto';
import { connectKms, type KmsConnection } from './kms-connection';

export const CONNECTION_OPTIONS = ['--data', '--account-id', '--region', '--endpoint-url', '--profile'];

export const CONNECTION_HELP = `Where KMS is (default: the local keyring):
  --data DIR          Local keyring folder (default: $KMSW_DATA_DIR, else ~/.kms-workbench)
  --account-id ID     Local keyring account (default 123456789012)
  --endpoint-url URL  A KMS endpoint instead, e.g. a running 'kmsw serve' (credentials as for the AWS CLI)
  --profile NAME      Real AWS KMS with this AWS CLI profile
  --region R          Region (local keyring or AWS)`;

export function connectionFor(parsed: ParsedArgs, io: CliIo): Promise<KmsConnection> {
  const region = regionOf(parsed);
  const endpointUrl = parsed.value('--endpoint-url');
  const profile = parsed.value('--profile');
  if (endpointUrl !== undefined || profile !== undefined) {
    if (parsed.has('--data') || parsed.has('--account-id')) throw new UsageError('--data and --account-id are for the local keyring; they cannot go with --endpoint-url or --profile');
    if (endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(endpointUrl)) throw new UsageError(`--endpoint-url takes a URL such as http://127.0.0.1:4599, not "${endpointUrl}"`);
    return connectKms({ kind: 'remote', endpointUrl, profile, region });
  }
  return connectKms({ kind: 'local', dataDir: dataDirOf(parsed, io), accountId: accountIdOf(parsed), region, env: io.env });
}

/** `--context k=v` pairs; the first `=` splits, so values may contain `=`. A map without a prototype, so a
 * key such as `__proto__` stays a key (on a plain object it would set the prototype and be dropped). */
export function contextOf(parsed: ParsedArgs): EncryptionContext {
  const context: EncryptionContext = Object.create(null) as EncryptionContext;
  for (const pair of parsed.values('--context')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--context takes key=value, not "${pair}"`);
    const key = pair.slice(0, eq);
    if (Object.prototype.hasOwnProperty.call(context, key)) throw new UsageError(`--context gives "${key}" twice`);
    context[key] = pair.slice(eq + 1);
  }
  return context;
}

export function absolute(path: string, io: CliIo): string {
  return isAbsolute(path) ? path : resolve(io.cwd, path);
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The single input and `-o`: an existing folder as `-o` receives the default name. */
export async function singleOutput(input: string, output: string | undefined, io: CliIo, defaultName: (path: string) => string): Promise<string> {
  if (output === undefined) return defaultName(input);
  const out = absolute(output, io);
  return (await isDirectory(out)) ? join(out, basename(defaultName(input))) : out;
}

/** A one-line progress display on a terminal (stderr, redrawn at most ~10 times a second). */
export function progressLine(io: CliIo, verb: string): { onFile(path: string, index: number, count: number): void; onProgress(p: FileProgress): void; done(): void } {
  let name = '';
  let started = performance.now();
  let last = 0;
  let shown = false;
  return {
    onFile(path, index, count) {
      name = count > 1 ? `[${index + 1}/${count}] ${basename(path)}` : basename(path);
      started = performance.now();
    },
    onProgress({ bytesDone, totalBytes }) {
      if (!io.isTTY) return;
      const now = performance.now();
      if (now - last < 100 && bytesDone < totalBytes) return;
      last = now;
      const percent = totalBytes ? Math.floor((bytesDone / totalBytes) * 100) : 100;
      const rate = bytesDone / 1e6 / Math.max((now - started) / 1000, 0.001);
      io.stderr(`\r${verb} ${name}  ${String(percent).padStart(3)}%  ${(bytesDone / 1e6).toFixed(1)} MB  ${rate.toFixed(0)} MB/s\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) io.stderr('\r\x1b[K');
      shown = false;
    },
  };
}

/** One line per file, with the plaintext size (the input's on encrypt, the output's on decrypt). */
export function reportFile(io: CliIo, verb: 'encrypted' | 'decrypted', result: FileJobResult): void {
  io.stdout(`${verb} ${result.input} -> ${result.output} (${verb === 'encrypted' ? result.bytes : result.bytesOut} bytes)\n`);
}

/** One line per file; exit code 1 when any file failed. */
export function reportFolder(io: CliIo, verb: 'encrypted' | 'decrypted', results: FolderFileResult[]): number {
  let failed = 0;
  for (const r of results) {
    if (r.status === 'done') reportFile(io, verb, r);
    else if (r.status === 'skipped') io.stdout(`skipped ${r.input}: ${r.reason}\n`);
    else {
      failed++;
      io.stderr(`failed ${r.input}: ${r.error.name}: ${r.error.message}\n`);
    }
  }
  const done = results.filter((r) => r.status === 'done').length;
  io.stdout(`${done} ${verb}, ${failed} failed, ${results.length - done - failed} skipped\n`);
  return failed ? 1 : 0;
}
