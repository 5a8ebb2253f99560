/**
 * Encrypting and decrypting one file into the AWS Encryption SDK message format, safely: the output is
 * staged in a temp file next to the target and published only once complete, which for decryption
 * means after the final frame, the signature and the end of the input have verified. A truncated,
 * reordered or altered message, a cancel or any other failure leaves nothing at the target, and an
 * existing target is never replaced without `force`.
 *
 * Throughput: 512 KiB reads ahead of the crypto, and up to WRITES_IN_FLIGHT positioned writes behind
 * it, so reading, the crypto on the main thread and writing overlap; the message code batches frames
 * into ~1 MiB output chunks. Memory stays a few MiB whatever the file size. The sizes are the smallest
 * that kept the speed of a plain node:crypto stream in `npm run bench files-esdk`: with 1 MiB reads
 * and 4 writes in flight the job's peak RSS was 10-15 MB above that stream's, for no measurable speed.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { KmsError } from '../../src-core/kms-error';
import { RECYCLE_SAFE_BUFFERS } from '../../src-core/encryption-sdk/byte-reader';
import { decryptBatches, encryptBatches, type DecryptOptions, type EncryptOptions, type MessageInfo } from '../../src-core/encryption-sdk/message';
import { nodeRandom } from '../host';
import { discard, exists, publish, removeAbandonedTempFiles, targetExistsError, tempPathFor } from './staged-output';

const IO_CHUNK = 512 * 1024;
const WRITES_IN_FLIGHT = 2;
/** Buffers per vectored write: POSIX systems take at most 1024 per writev call. */
const IOV_MAX = 1024;

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

/** The message's randomness is this host's (nodeRandom). */
export type EncryptFileOptions = FileJobOptions & Omit<EncryptOptions, 'random'>;
export type DecryptFileOptions = FileJobOptions & DecryptOptions;

export interface FileJobResult {
  input: string;
  output: string;
  /** Input bytes. */
  bytes: number;
  /** Output bytes. */
  bytesOut: number;
  /** What the message header says: suite, key ARNs, context. */
  message?: MessageInfo;
}

type Transform = (source: AsyncIterable<Uint8Array>, onHeader: (info: MessageInfo) => void) => AsyncIterable<Buffer[]>;

/**
 * `sweep`: first remove temp files that killed jobs abandoned in the output's folder; a folder run
 * passes false and sweeps each folder once instead.
 */
export function encryptFile(input: string, output: string, options: EncryptFileOptions, sweep = true): Promise<FileJobResult> {
  return runFileJob(input, output, options, sweep, (source, onHeader) => encryptBatches(source, { ...options, random: nodeRandom, onHeader }));
}

export function decryptFile(input: string, output: string, options: DecryptFileOptions, sweep = true): Promise<FileJobResult> {
  return runFileJob(input, output, options, sweep, (source, onHeader) => decryptBatches(source, { ...options, onHeader }));
}

async function runFileJob(input: string, output: string, options: FileJobOptions, sweep: boolean, transform: Transform): Promise<FileJobResult> {
  options.signal?.throwIfAborted();
  if (resolve(input) === resolve(output)) throw new KmsError('ValidationException', `the output ${output} is the input file; choose another output`);
  const info = await stat(input);
  if (!info.isFile()) throw new KmsError('ValidationException', `${input} is not a regular file`);
  // Checked up front so no KMS call is made for a job that cannot publish; checked again at publish.
  if (!options.force && (await exists(output))) throw targetExistsError(output);
  if (sweep) await removeAbandonedTempFiles(dirname(output));
  const temp = tempPathFor(output);
  let writer: OrderedWriter | undefined;
  let message: MessageInfo | undefined;
  let bytesDone = 0;
  const totalBytes = info.size;
  const counted = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      options.signal?.throwIfAborted();
      bytesDone += chunk.length;
      options.onProgress?.({ bytesDone, totalBytes });
      yield chunk;
    }
  };
  try {
    const file = await open(temp, 'wx', 0o600);
    writer = new OrderedWriter(file);
    try {
      for await (const batch of transform(counted(recycledChunks(input)), (i) => (message = i))) {
        options.signal?.throwIfAborted();
        await writer.write(batch);
      }
      await writer.flush();
    } finally {
      await writer.settle();
      await file.close();
    }
    options.signal?.throwIfAborted();
    await publish(temp, output, options.force ?? false);
  } catch (e) {
    await discard(temp);
    throw e;
  }
  return { input, output, bytes: bytesDone, bytesOut: writer?.written ?? 0, message };
}

/**
 * The input file in IO_CHUNK pieces read into a few reused buffers, one read ahead of the consumer.
 * A stream would allocate a fresh buffer per read: 256 MiB of external garbage per 256 MiB file, half
 * of what drives the job's GCs (the other half is the cipher's output, which node:crypto always
 * allocates). The rotation is long enough for the message reader's views (see ByteReader); the
 * encrypter copies the partial frame it keeps. The bytes read are zeroed at the end (they held
 * plaintext on encrypt), and only those: wiping all 4 MiB touched every page of the buffers, which
 * cost a small file's job more than its crypto.
 */
async function* recycledChunks(path: string): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  const buffers = Array.from({ length: RECYCLE_SAFE_BUFFERS }, () => Buffer.allocUnsafeSlow(IO_CHUNK));
  const used = buffers.map(() => 0);
  let next = 0;
  const readInto = (index: number) =>
    file.read(buffers[index], 0, IO_CHUNK, null).then((r) => {
      used[index] = Math.max(used[index], r.bytesRead);
      return r;
    });
  let pending = readInto(next);
  try {
    for (;;) {
      const buffer = buffers[next];
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      next = (next + 1) % buffers.length;
      pending = readInto(next);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // The read ahead must land before the buffers are wiped and the file closed.
    await pending.catch(() => undefined);
    buffers.forEach((b, i) => b.fill(0, 0, used[i]));
    await file.close();
  }
}

/**
 * Positioned vectored writes (so several can be in flight and still land in order, and a batch of
 * frames needs no copy into one buffer) with at most WRITES_IN_FLIGHT outstanding: the crypto goes on
 * while the thread pool writes.
 */
export class OrderedWriter {
  private position = 0;
  private readonly inFlight: Promise<unknown>[] = [];

  constructor(private readonly file: FileHandle) {}

  async write(batch: Buffer[]): Promise<void> {
    let length = 0;
    for (const b of batch) length += b.length;
    if (length === 0) return;
    if (this.inFlight.length >= WRITES_IN_FLIGHT) await this.inFlight.shift();
    const done = this.writeAll(batch, this.position);
    // A failure surfaces when the write is awaited; until then it must not count as unhandled.
    done.catch(() => undefined);
    this.inFlight.push(done);
    this.position += length;
  }

  /** Bytes handed to write so far. */
  get written(): number {
    return this.position;
  }

  async flush(): Promise<void> {
    while (this.inFlight.length) await this.inFlight.shift();
  }

  /** Waits for every outstanding write, failed or not, so the file can be closed under none. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight.splice(0));
  }

  /**
   * A write to a regular file may be short (a signal, a quota); the rest follows at its offset. At
   * most IOV_MAX buffers go to each call, and the batch is walked by index, never re-sliced: a message
   * of 1-byte frames makes batches of a million buffers, and re-slicing per buffer made it quadratic.
   */
  private async writeAll(batch: Buffer[], position: number): Promise<void> {
    let index = 0;
    // The first buffer of the window, or what a short write left of it.
    let head = batch[0];
    while (index < batch.length) {
      const window = [head];
      for (let i = index + 1; i < batch.length && window.length < IOV_MAX; i++) window.push(batch[i]);
      let { bytesWritten } = await this.file.writev(window, position);
      position += bytesWritten;
      while (index < batch.length && bytesWritten >= head.length) {
        bytesWritten -= head.length;
        head = batch[++index];
      }
      if (bytesWritten > 0) head = head.subarray(bytesWritten);
    }
  }
}
