/**
 * Encrypting and decrypting one file into the AWS Encryption SDK message format, safely: the output is
 * staged in a temp file next to the target and published only once complete, which for decryption
 * means after the final frame, the signature and the end of the input have verified. A truncated,
 * reordered or altered message, a cancel or any other failure leaves nothing at the target, and an
 * existing target is never replaced without `force`.
 *
 * Throughput: 1 MiB reads and writes through stream.pipeline, so reading, the crypto on the main
 * thread and writing overlap; the message code batches frames into ~1 MiB output chunks.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { KmsError } from '../../src-core/errors';
import { decryptStream, encryptStream, type DecryptOptions, type EncryptOptions, type MessageInfo } from '../../src-core/formats/message';
import { discard, exists, publish, targetExistsError, tempPathFor } from './staged-output';

const IO_CHUNK = 1024 * 1024;

export interface FileProgress {
  /** Input bytes processed so far. */
  bytesDone: number;
  /** Size of the input file. */
  totalBytes: number;
}

export interface FileJobOptions {
  /** Replace an existing output. */
  force?: boolean;
  /** Cancels the job; the temp file is removed and nothing appears at the target. */
  signal?: AbortSignal;
  onProgress?(progress: FileProgress): void;
}

export type EncryptFileOptions = FileJobOptions & EncryptOptions;
export type DecryptFileOptions = FileJobOptions & DecryptOptions;

export interface FileJobResult {
  input: string;
  output: string;
  /** Input bytes. */
  bytes: number;
  /** What the message header says: suite, key ARNs, context. */
  message?: MessageInfo;
}

type Transform = (source: AsyncIterable<Uint8Array>, onHeader: (info: MessageInfo) => void) => AsyncIterable<Uint8Array>;

export function encryptFile(input: string, output: string, options: EncryptFileOptions): Promise<FileJobResult> {
  return runFileJob(input, output, options, (source, onHeader) => encryptStream(source, { ...options, onHeader }));
}

export function decryptFile(input: string, output: string, options: DecryptFileOptions): Promise<FileJobResult> {
  return runFileJob(input, output, options, (source, onHeader) => decryptStream(source, { ...options, onHeader }));
}

async function runFileJob(input: string, output: string, options: FileJobOptions, transform: Transform): Promise<FileJobResult> {
  options.signal?.throwIfAborted();
  if (resolve(input) === resolve(output)) throw new KmsError('ValidationException', `the output ${output} is the input file; choose another output`);
  const info = await stat(input);
  if (!info.isFile()) throw new KmsError('ValidationException', `${input} is not a regular file`);
  // Checked up front so no KMS call is made for a job that cannot publish; checked again at publish.
  if (!options.force && (await exists(output))) throw targetExistsError(output);
  const temp = tempPathFor(output);
  let message: MessageInfo | undefined;
  let bytesDone = 0;
  const totalBytes = info.size;
  const counted = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      bytesDone += chunk.length;
      options.onProgress?.({ bytesDone, totalBytes });
      yield chunk;
    }
  };
  try {
    await pipeline(
      createReadStream(input, { highWaterMark: IO_CHUNK }),
      counted,
      (source: AsyncIterable<Uint8Array>) => transform(source, (i) => (message = i)),
      createWriteStream(temp, { flags: 'wx', mode: 0o600, highWaterMark: IO_CHUNK }),
      { signal: options.signal },
    );
    options.signal?.throwIfAborted();
    await publish(temp, output, options.force ?? false);
  } catch (e) {
    await discard(temp);
    throw e;
  }
  return { input, output, bytes: bytesDone, message };
}
