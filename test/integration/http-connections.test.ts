/**
 * `kmsw serve`'s connections: the headers timeout, the cap on a whole request's time (a body that
 * trickles), idle keep-alive connections closed, pipelined requests answered in order, and an SDK
 * client's keep-alive socket reused. One in-process server with small timeouts on 127.0.0.1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { CreateKeyCommand, EncryptCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { openLocalKms, type LocalKms } from '../../src-node/host';
import { startKmsServer, type KmsServer } from '../../src-node/http/server';
import { signedHeaders } from './serve';

const HEADERS_MS = 300;
const REQUEST_MS = 600;
const KEEP_ALIVE_MS = 300;

let kms: LocalKms;
let server: KmsServer;

before(async () => {
  kms = await openLocalKms({ inMemory: true, env: {} });
  server = await startKmsServer({ kms, port: 0, timeouts: { headersMs: HEADERS_MS, requestMs: REQUEST_MS, keepAliveMs: KEEP_ALIVE_MS } });
});
after(async () => {
  await server.close();
  await kms.close();
});

async function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const socket = connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  const started = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  return { socket, received: () => text, closed };
}

function request(operation: string, body: string): string {
  const headers = { ...signedHeaders(operation), host: `127.0.0.1:${server.port}`, 'content-length': String(Buffer.byteLength(body)) };
  return `POST / HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`;
}

test('headers that do not arrive in time close the connection', async () => {
  const { socket, closed } = await open();
  socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // and nothing more
  const ms = await closed;
  assert.ok(ms >= HEADERS_MS - 50 && ms < HEADERS_MS + 5000, `closed after ${ms} ms`);
});

test('a body that trickles past the request time cap is cut off', async () => {
  const { socket, closed } = await open();
  const full = request('ListKeys', '{}                                                        ');
  socket.write(full.slice(0, full.length - 20));
  // A byte now and then keeps the socket busy but never completes the request.
  const drip = setInterval(() => socket.writable && socket.write(' '), 50);
  const ms = await closed.finally(() => clearInterval(drip));
  assert.ok(ms >= REQUEST_MS - 50 && ms < REQUEST_MS + 5000, `closed after ${ms} ms`);
});

test('an idle keep-alive connection is closed after the keep-alive timeout, not before', async () => {
  const { socket, received, closed } = await open();
  socket.write(request('ListKeys', '{}'));
  const ms = await closed;
  assert.match(received(), /^HTTP\/1.1 200/);
  assert.match(received(), /keep-alive/i);
  assert.ok(ms >= KEEP_ALIVE_MS - 50 && ms < KEEP_ALIVE_MS + 5000, `closed after ${ms} ms`);
});

test('pipelined requests on one connection are all answered, in order', async () => {
  const { socket, received, closed } = await open();
  const operations = ['ListKeys', 'CreateKey', 'ListAliases', 'GenerateRandom', 'ListKeys'];
  const bodies = ['{}', '{"Description":"piped"}', '{}', '{"NumberOfBytes":8}', '{}'];
  socket.write(operations.map((op, i) => request(op, bodies[i])).join(''));
  await new Promise<void>((resolve) => {
    const check = () => (received().match(/HTTP\/1.1 /g) ?? []).length === operations.length && /\}$/.test(received()) && resolve();
    socket.on('data', check);
    check();
  });
  socket.destroy();
  await closed;
  const answers = received().split(/(?=HTTP\/1.1 )/);
  assert.equal(answers.length, operations.length);
  for (const a of answers) assert.match(a, /^HTTP\/1.1 200/);
  assert.match(answers[1], /"Description":"piped"/);
  assert.match(answers[3], /"Plaintext":"/);
  assert.match(answers[4], /"Keys":\[\{/, 'the last ListKeys sees the key the pipelined CreateKey made');
});

test('an SDK client on a keep-alive agent sends all its requests on one connection', async () => {
  let connections = 0;
  /** Counts the TCP connections the SDK's agent opens. */
  class CountingAgent extends Agent {
    override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
      connections++;
      return super.createConnection(...args);
    }
  }
  // Default timeouts: Node's agent drops a socket whose server announces Keep-Alive: timeout=0 (the 300 ms above).
  const usual = await startKmsServer({ kms, port: 0 });
  const agent = new CountingAgent({ keepAlive: true, maxSockets: 1 });
  const client = new KMSClient({ endpoint: usual.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpAgent: agent }) });
  try {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    for (let i = 0; i < 20; i++) await client.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: new Uint8Array([i]) }));
    await client.send(new ListKeysCommand({}));
  } finally {
    client.destroy();
    agent.destroy();
    await usual.close();
  }
  assert.equal(connections, 1, `${connections} connections`);
});
