/**
 * Durability of `kmsw serve --data`: SIGKILL in the middle of a stream of writes, restart on the
 * same folder, and every key whose CreateKey was acknowledged is there and usable, recorded in the
 * audit log, and the log's hash chain verifies.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, DescribeKeyCommand, paginateListKeys } from '@aws-sdk/client-kms';
import { kmsw, sdkClient, serve } from './serve';

const data = mkdtempSync(join(tmpdir(), 'kmsw-crash-'));
after(() => rmSync(data, { recursive: true, force: true }));

const WRITERS = 4;
const KILL_AFTER = 60;

test('keys acknowledged before a SIGKILL survive the restart and the audit chain stays valid', async () => {
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

  const verified = kmsw(['audit', 'verify', '--data', data]);
  assert.equal(verified.status, 0, verified.stderr);
  assert.match(verified.stdout, /The audit log is intact: \d+ entries/);
  const exported = kmsw(['audit', 'export', '--data', data]);
  assert.equal(exported.status, 0, exported.stderr);
  const { Records } = JSON.parse(exported.stdout) as { Records: { eventName: string; responseElements: { keyMetadata?: { keyId: string } } | null }[] };
  const audited = new Set(Records.filter((r) => r.eventName === 'CreateKey').map((r) => r.responseElements?.keyMetadata?.keyId));
  assert.deepEqual(acknowledged.filter((id) => !audited.has(id)), [], 'every acknowledged CreateKey is in the audit log');
});
