import { messageError } from './message-error';

/**
 * Pulls exact byte counts out of an async iterable of arbitrary chunks. A read that fits in the
 * current chunk is a view (no copy), which is the common case for frames much smaller than the
 * chunks a file stream delivers; a read that straddles chunks is copied as the chunks arrive.
 *
 * The reader holds one source chunk at a time, so a source may recycle its buffers: a view handed
 * out stays valid until the reader has pulled two further chunks (a source that rotates through at
 * least RECYCLE_SAFE_BUFFERS buffers, reading at most one ahead, never overwrites a live view).
 * Callers that keep a view across more reads than that must copy it.
 */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private chunk: Buffer = Buffer.alloc(0);
  private offset = 0;
  private ended = false;
  /** Receives every byte handed out, in order: the signature verifier hashes the message through it. */
  tap: ((bytes: Buffer) => void) | undefined;
  /** Total bytes handed out so far. */
  consumed = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /**
   * Exactly `n` bytes, or a 'truncated' error if the input ends first. Bytes that straddle chunks are
   * copied into `scratch` when given (at least `n` long, reused by a caller done with the last result)
   * rather than into a new buffer.
   */
  async read(n: number, what: string, scratch?: Buffer): Promise<Buffer> {
    const view = this.readBuffered(n);
    if (view) return view;
    const out = scratch && scratch.length >= n ? scratch.subarray(0, n) : Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      if (this.offset === this.chunk.length && !(await this.pull())) {
        throw messageError('truncated', `the message is truncated: it ends inside the ${what}`);
      }
      const m = Math.min(n - filled, this.chunk.length - this.offset);
      this.chunk.copy(out, filled, this.offset, this.offset + m);
      filled += m;
      this.offset += m;
    }
    return this.handOut(out);
  }

  /**
   * Exactly `n` bytes if the current chunk holds them (a view), else undefined: the frame loop's fast
   * path, which skips an await per read (two per frame) when the input chunk already holds the frame.
   */
  readBuffered(n: number): Buffer | undefined {
    if (this.chunk.length - this.offset < n) return undefined;
    const view = this.chunk.subarray(this.offset, this.offset + n);
    this.offset += n;
    return this.handOut(view);
  }

  /** True when no byte is left, pulling from the source if needed. */
  async atEnd(): Promise<boolean> {
    return this.offset === this.chunk.length && !(await this.pull());
  }

  /** Stops the underlying iterator early (e.g. after an error), releasing its resources. */
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.iterator.return?.();
    }
  }

  /** Replaces the exhausted current chunk with the next non-empty one; false at the end of the input. */
  private async pull(): Promise<boolean> {
    while (!this.ended) {
      const r = await this.iterator.next();
      if (r.done) {
        this.ended = true;
        break;
      }
      const v = r.value;
      if (v.length === 0) continue;
      this.chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      this.offset = 0;
      return true;
    }
    return false;
  }

  private handOut(bytes: Buffer): Buffer {
    this.consumed += bytes.length;
    this.tap?.(bytes);
    return bytes;
  }
}

/** Buffers a recycling source must rotate through so that no view a ByteReader handed out is overwritten. */
export const RECYCLE_SAFE_BUFFERS = 4;
