/**
 * `kmsw serve --workers N`: several processes on one port keep the keyring's semantics (one keyring,
 * one audit chain), and an in-memory keyring, which cannot be shared between processes, refuses it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { kmsw, sdkClient, serve } from './serve';

const dir = mkdtempSync(join(tmpdir(), 'kmsw-workers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A client on its own keep-alive connection: the connections go to different workers. */
const client = (url: string) => sdkClient(url, { agent: new Agent({ keepAlive: true, maxSockets: 1 }) });

test('--workers with an in-memory keyring is a usage error that says why', () => {
  const r = kmsw(['serve', '--in-memory', '--workers', '2']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--workers needs a keyring folder \(--data DIR\)/);
  assert.equal(kmsw(['serve', '--data', join(dir, 'x'), '--workers', 'many']).status, 2);
});

test('two workers answer on one port from one keyring and write one audit chain', async () => {
  const data = join(dir, 'keyring');
  const server = await serve(['--data', data, '--workers', '2']);
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const clients = Array.from({ length: 4 }, () => client(server.url));
  let calls = 0;
  try {
    const Plaintext = new TextEncoder().encode('secret');
    const keys: string[] = [];
    // Each client creates a key and uses every client's keys: a key made through one worker is at once usable through the others.
    for (const c of clients) {
      keys.push((await c.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!);
      calls++;
    }
    await Promise.all(
      clients.map(async (c, i) => {
        for (const KeyId of keys) {
          const { CiphertextBlob } = await c.send(new EncryptCommand({ KeyId, Plaintext, EncryptionContext: { by: String(i) } }));
          const other = clients[(i + 1) % clients.length];
          const { Plaintext: back } = await other.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { by: String(i) } }));
          assert.deepEqual(Buffer.from(back!), Buffer.from(Plaintext));
          calls += 2;
        }
      }),
    );
    for (const c of clients) {
      const listed = (await c.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyId);
      calls++;
      assert.deepEqual([...listed].sort(), [...keys].sort());
    }
  } finally {
    clients.forEach((c) => c.destroy());
    assert.equal(await server.stop(), 0, server.stderr());
  }
  const verified = kmsw(['audit', 'verify', '--data', data]);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  const events = JSON.parse(kmsw(['audit', 'list', '--json', '--data', data]).stdout) as { eventName: string }[];
  assert.equal(events.length, calls, 'every call of every worker is in the one chain');
});
