/**
 * Durability of `kmsw serve --data`: SIGKILL in the middle of a stream of writes, restart on the
 * same folder, and every key whose CreateKey was acknowledged is there and usable.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, DescribeKeyCommand, paginateListKeys } from '@aws-sdk/client-kms';
import { sdkClient, serve } from './serve';

const data = mkdtempSync(join(tmpdir(), 'kmsw-crash-'));
after(() => rmSync(data, { recursive: true, force: true }));

const WRITERS = 4;
const KILL_AFTER = 60;

test('keys acknowledged before a SIGKILL survive the restart', async () => {
  const first = await serve(['--data', data]);
  const kms = sdkClient(first.url);
  const acknowledged: string[] = [];
  let killed = false;
  const writer = async (w: number) => {
    for (let i = 0; ; i++) {
      try {
        const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: `writer ${w} key ${i}` }));
        acknowledged.push(KeyMetadata!.KeyId!);
      } catch {
        // The connection died with the server: that request was never acknowledged.
        if (killed) return;
        throw new Error(`CreateKey failed before the kill:\n${first.stderr()}`);
      }
      if (acknowledged.length >= KILL_AFTER && !killed) {
        killed = true;
        first.process.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  assert.equal(await first.stop(), null, 'the server died of the signal');
  kms.destroy();

  const second = await serve(['--data', data]);
  try {
    const again = sdkClient(second.url);
    const present = new Set<string>();
    for await (const page of paginateListKeys({ client: again }, {})) for (const k of page.Keys!) present.add(k.KeyId!);
    const missing = acknowledged.filter((id) => !present.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged keys lost`);
    for (const id of acknowledged.slice(-WRITERS)) {
      assert.equal((await again.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.KeyState, 'Enabled');
    }
    // The restarted server keeps taking writes (no stale lock left behind).
    await again.send(new CreateKeyCommand({}));
    again.destroy();
  } finally {
    assert.equal(await second.stop(), 0, second.stderr());
  }
});
