import { messageError } from './errors';

/**
 * Pulls exact byte counts out of an async iterable of arbitrary chunks. A read that fits in the
 * current chunk is a view (no copy), which is the common case for frames much smaller than the
 * chunks a file stream delivers; only reads that straddle chunks are copied.
 */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private chunks: Buffer[] = [];
  private offset = 0;
  private buffered = 0;
  private ended = false;
  /** Receives every byte handed out, in order: the signature verifier hashes the message through it. */
  tap: ((bytes: Buffer) => void) | undefined;
  /** Total bytes handed out so far. */
  consumed = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Exactly `n` bytes, or a 'truncated' error if the input ends first. */
  async read(n: number, what: string): Promise<Buffer> {
    if (this.buffered < n && !(await this.fill(n))) {
      throw messageError('truncated', `the message is truncated: it ends inside the ${what}`);
    }
    return this.take(n);
  }

  /**
   * Exactly `n` bytes if they are already buffered, else undefined: the frame loop's fast path,
   * which skips an await per read (two per frame) when the input chunk already holds the frame.
   */
  readBuffered(n: number): Buffer | undefined {
    return this.buffered >= n ? this.take(n) : undefined;
  }

  /** True when no byte is left, pulling from the source if needed. */
  async atEnd(): Promise<boolean> {
    return this.buffered === 0 && !(await this.fill(1));
  }

  /** Stops the underlying iterator early (e.g. after an error), releasing its resources. */
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.iterator.return?.();
    }
  }

  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const r = await this.iterator.next();
      if (r.done) {
        this.ended = true;
        break;
      }
      const v = r.value;
      if (v.length === 0) continue;
      this.chunks.push(Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
      this.buffered += v.length;
    }
    return this.buffered >= n;
  }

  private take(n: number): Buffer {
    let out: Buffer;
    const head = this.chunks[0];
    if (n === 0) {
      out = Buffer.alloc(0);
    } else if (head.length - this.offset >= n) {
      out = head.subarray(this.offset, this.offset + n);
      this.offset += n;
      if (this.offset === head.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0];
        const m = Math.min(n - filled, c.length - this.offset);
        c.copy(out, filled, this.offset, this.offset + m);
        filled += m;
        this.offset += m;
        if (this.offset === c.length) {
          this.chunks.shift();
          this.offset = 0;
        }
      }
    }
    this.buffered -= n;
    this.consumed += n;
    this.tap?.(out);
    return out;
  }
}
