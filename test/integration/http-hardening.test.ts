/**
 * `kmsw serve` against hostile or careless clients: unsigned requests refused before their body is
 * read, a connection cap, stale signatures (AWS's 15 minutes), Host checks against DNS rebinding,
 * reset guarded from web pages, client mistakes answered as 4xx, aborted uploads logged quietly.
 * In-process servers on 127.0.0.1, raw sockets and the AWS SDK.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { openLocalKms, type LocalKms } from '../../src-node/host';
import { startKmsServer, type KmsServer } from '../../src-node/http/server';
import type { KnownCredential } from '../../src-node/http/credentials';
import { raw, sdkClient, signedHeaders } from './serve';

let kms: LocalKms;
let server: KmsServer;
const logged: string[] = [];
const logger = { debug: (m: string) => logged.push(`debug ${m}`), info: (m: string) => logged.push(`info ${m}`), warn: (m: string) => logged.push(`warn ${m}`), error: (m: string) => logged.push(`error ${m}`) };

before(async () => {
  kms = await openLocalKms({ inMemory: true, env: {} });
  server = await startKmsServer({ kms, port: 0, maxConnections: 8, logger });
});
after(async () => {
  await server.close();
  await kms.close();
});

/** Sends raw bytes on a new socket; resolves to what the server answered before closing (bounded by the test runner). */
async function exchange(bytes: string, keepOpen = false): Promise<string> {
  const socket = connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (answer += d));
  socket.write(bytes);
  if (!keepOpen) socket.end();
  await new Promise<void>((resolve) => {
    socket.on('data', () => /\r\n\r\n\{.*\}$/s.test(answer) && resolve());
    socket.on('close', () => resolve());
  });
  socket.destroy();
  return answer;
}

test('an unsigned request is refused from its headers, without its body being sent', async () => {
  // 200 KB announced, none sent: the answer must not wait for it.
  const answer = await exchange(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.ListKeys\r\nContent-Length: 200000\r\n\r\n`, true);
  assert.match(answer, /^HTTP\/1.1 403/);
  assert.match(answer, /MissingAuthenticationToken/);
  assert.match(answer, /connection: close/i);
});

test('connections beyond the cap are closed at once; the server still answers afterwards', async () => {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < 8; i++) {
      const s = connect(server.port, '127.0.0.1');
      await once(s, 'connect');
      sockets.push(s);
    }
    const extra = connect(server.port, '127.0.0.1');
    await once(extra, 'close');
  } finally {
    for (const s of sockets) s.destroy();
  }
  const kmsClient = sdkClient(server.url);
  // The cap frees as the idle sockets close; retried a bounded number of times.
  let listed = false;
  for (let i = 0; i < 50 && !listed; i++) {
    listed = await kmsClient.send(new ListKeysCommand({})).then(() => true, () => false);
    if (!listed) await new Promise((r) => setTimeout(r, 20));
  }
  kmsClient.destroy();
  assert.ok(listed);
});

test('X-Amz-Date more than 15 minutes off real time is refused as AWS does, so a captured request cannot be replayed', async () => {
  for (const [offset, text] of [[-20, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/], [20, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/]] as const) {
    const res = await raw(server.url, { headers: signedHeaders('CreateKey', 'test', 'us-east-1', new Date(Date.now() + offset * 60_000)), body: '{}' });
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-amzn-errortype'], 'InvalidSignatureException');
    assert.match(JSON.parse(res.body).message, text);
    // The SDK with its clock 20 minutes off gets the same error.
    const skewed = sdkClient(server.url);
    skewed.config.systemClockOffset = offset * 60_000;
    await assert.rejects(skewed.send(new CreateKeyCommand({})), (e: Error) => e.name === 'InvalidSignatureException');
    skewed.destroy();
  }
  const fresh = await raw(server.url, { headers: signedHeaders('ListKeys', 'test', 'us-east-1', new Date(Date.now() - 10 * 60_000)), body: '{}' });
  assert.equal(fresh.status, 200, 'within 15 minutes is accepted');
});

test('a Host that is not a loopback name is refused (DNS rebinding); localhost and 127.0.0.1 are served', async () => {
  const evil = await raw(server.url, { headers: { ...signedHeaders('ListKeys'), host: `evil.example:${server.port}` }, body: '{}' });
  assert.equal(evil.status, 403);
  assert.match(JSON.parse(evil.body).message, /Host 'evil\.example:\d+' is not this server/);
  for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`]) {
    assert.equal((await raw(server.url, { headers: { ...signedHeaders('ListKeys'), host }, body: '{}' })).status, 200);
  }
});

test('reset is refused from a web page (Origin or cross-site fetch); a test suite\'s POST still resets', async () => {
  const kmsClient = sdkClient(server.url);
  await kmsClient.send(new CreateKeyCommand({}));
  for (const headers of [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Record<string, string>[]) {
    const res = await raw(server.url, { path: '/_reset', headers });
    assert.equal(res.status, 403, res.body);
  }
  assert.equal((await kmsClient.send(new ListKeysCommand({}))).Keys!.length, 1);
  assert.equal((await raw(server.url, { path: '/_reset' })).status, 200);
  assert.equal((await kmsClient.send(new ListKeysCommand({}))).Keys!.length, 0);
  kmsClient.destroy();
});

test('with --credentials, reset needs a valid signature', async (t) => {
  const secret: KnownCredential = { accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret', principal: 'arn:aws:iam::123456789012:root', accountId: '123456789012' };
  const guarded = await startKmsServer({ kms, port: 0, credentials: new Map([[secret.accessKeyId, secret]]) });
  t.after(() => guarded.close());
  const kmsClient = sdkClient(guarded.url, { accessKeyId: secret.accessKeyId, secretAccessKey: secret.secretAccessKey });
  await kmsClient.send(new CreateKeyCommand({}));
  assert.equal((await raw(guarded.url, { path: '/_reset' })).status, 403);
  assert.equal((await raw(guarded.url, { path: '/_reset', headers: signedHeaders('ListKeys', secret.accessKeyId) })).status, 403, 'a wrong signature');
  assert.equal((await kmsClient.send(new ListKeysCommand({}))).Keys!.length, 1);
  kmsClient.destroy();
});

test('a deeply nested EncryptionContext value is a SerializationException (400), not a 500', async () => {
  const kmsClient = sdkClient(server.url);
  const { KeyMetadata } = await kmsClient.send(new CreateKeyCommand({}));
  kmsClient.destroy();
  const body = `{"KeyId":"${KeyMetadata!.KeyId}","Plaintext":"AA==","EncryptionContext":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
  const res = await raw(server.url, { headers: signedHeaders('Encrypt'), body });
  assert.equal(res.status, 400, res.body);
  assert.equal(res.headers['x-amzn-errortype'], 'SerializationException');
});

test('"__proto__" as an encryption-context key is kept: the ciphertext does not decrypt without it', async () => {
  const kmsClient = sdkClient(server.url);
  const { KeyMetadata } = await kmsClient.send(new CreateKeyCommand({}));
  const context = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
  const { CiphertextBlob } = await kmsClient.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: Buffer.from('secret'), EncryptionContext: context }));
  await assert.rejects(kmsClient.send(new DecryptCommand({ CiphertextBlob })), (e: Error) => e.name === 'InvalidCiphertextException');
  const { Plaintext } = await kmsClient.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
  assert.equal(Buffer.from(Plaintext!).toString(), 'secret');
  kmsClient.destroy();
});

test('an upload aborted mid-body is one debug line, not an error with a stack', async () => {
  logged.length = 0;
  const socket = connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  const headers = signedHeaders('ListKeys');
  socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\nContent-Length: 1000\r\n\r\n{"Limit":`);
  await new Promise((r) => setTimeout(r, 50));
  socket.destroy();
  for (let i = 0; i < 100 && logged.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(logged.length, 1, logged.join('\n'));
  assert.match(logged[0], /^debug kmsw serve: a client from \S+ went away mid-request/);
  assert.doesNotMatch(logged[0], /\n/);
});
