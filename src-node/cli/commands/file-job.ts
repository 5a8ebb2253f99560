/**
 * The run shared by `kmsw encrypt-file` and `kmsw decrypt-file` once their own options are parsed:
 * connect to KMS, show progress, do one file or a whole folder, report, and always close.
 */
import type { ParsedArgs } from '../args';
import type { CliIo } from '../command';
import type { FileJobResult, FileProgress } from '../../files/file-crypto';
import type { FolderFileResult } from '../../files/folder-crypto';
import type { KmsConnection } from '../../files/kms-connection';
import { absolute, connectionFor, isDirectory, progressLine, reportFile, reportFolder, singleOutput } from '../../files/file-commands';

/** What every job passes down to the file and folder functions. */
interface JobOptions {
  kms: KmsConnection['kms'];
  force: boolean;
  signal: AbortSignal;
  onProgress(progress: FileProgress): void;
}

export interface FileJob<O> {
  verb: 'encrypted' | 'decrypted';
  /** The command's own options, merged into the shared ones. */
  options: O;
  /** The output's default name beside the input. */
  defaultName(path: string): string;
  file(input: string, output: string, options: O & JobOptions): Promise<FileJobResult>;
  folder(input: string, options: O & JobOptions & { outputDir?: string; onFile(path: string, index: number, count: number): void }): Promise<FolderFileResult[]>;
}

export async function runFileJob<O>(parsed: ParsedArgs, io: CliIo, job: FileJob<O>): Promise<number> {
  const input = absolute(parsed.positionals[0], io);
  const folder = await isDirectory(input);
  const connection = await connectionFor(parsed, io);
  const progress = progressLine(io, job.verb === 'encrypted' ? 'encrypting' : 'decrypting');
  try {
    const options = { ...job.options, kms: connection.kms, force: parsed.has('--force'), signal: io.signal, onProgress: progress.onProgress };
    if (folder) {
      const outputDir = parsed.value('-o');
      const results = await job.folder(input, { ...options, outputDir: outputDir && absolute(outputDir, io), onFile: progress.onFile });
      progress.done();
      return reportFolder(io, job.verb, results);
    }
    const output = await singleOutput(input, parsed.value('-o'), io, job.defaultName);
    progress.onFile(input, 0, 1);
    const result = await job.file(input, output, options);
    progress.done();
    reportFile(io, job.verb, result);
    return 0;
  } finally {
    progress.done();
    await connection.close();
  }
}
