import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileHandle } from 'node:fs/promises';
import { OrderedWriter } from '../../../src-node/files/file-crypto';

/**
 * A file handle that records every vectored write and accepts at most `maxBytes` per call (a short
 * write, as a signal or a quota causes), so the work the writer does per buffer can be counted.
 */
function countingHandle(maxBytes: number) {
  const file = Buffer.alloc(1 << 20);
  const stats = { calls: 0, buffersPassed: 0, mostBuffers: 0, size: 0 };
  const handle = {
    async writev(buffers: Buffer[], position: number) {
      stats.calls++;
      stats.buffersPassed += buffers.length;
      stats.mostBuffers = Math.max(stats.mostBuffers, buffers.length);
      let written = 0;
      for (const b of buffers) {
        const n = Math.min(b.length, maxBytes - written);
        b.copy(file, position + written, 0, n);
        written += n;
        if (n < b.length) break;
      }
      stats.size = Math.max(stats.size, position + written);
      return { bytesWritten: written, buffers };
    },
  } as unknown as FileHandle;
  return { handle, stats, contents: () => file.subarray(0, stats.size) };
}

test('a batch of many tiny buffers is written with work linear in their number, short writes included', async () => {
  const count = 20_000;
  const batch = Array.from({ length: count }, (_, i) => Buffer.from([i & 0xff]));
  for (const maxBytes of [Infinity, 100]) {
    const { handle, stats, contents } = countingHandle(maxBytes);
    const writer = new OrderedWriter(handle);
    await writer.write(batch);
    await writer.write([Buffer.from('end')]);
    await writer.flush();
    assert.deepEqual(contents(), Buffer.concat([...batch, Buffer.from('end')]));
    // Bounded work per call (at most IOV_MAX buffers, as the OS takes) and no more calls than the
    // short writes force: not the whole rest of the batch again after each write, which made a
    // message of 100k one-byte frames take minutes.
    const total = count + 3;
    assert.ok(stats.mostBuffers <= 1024, `${stats.mostBuffers} buffers in one call`);
    assert.ok(stats.calls <= Math.ceil(total / Math.min(maxBytes, 1024)) + 2, `${stats.calls} calls for ${total} bytes`);
    assert.ok(stats.buffersPassed <= stats.calls * 1024);
  }
});
