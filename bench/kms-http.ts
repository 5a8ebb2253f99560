/**
 * Requests per second over HTTP for Encrypt, Decrypt and GenerateDataKey, with several concurrent
 * clients on keep-alive connections: `kmsw serve --in-memory` beside moto_server (the reference, from
 * the machine's Python) in the same run, and the ratio. Two kinds of client:
 * - @aws-sdk/client-kms clients, as applications call it. The SDK spends more CPU per request than
 *   our server does, and the clients share the machine with the server, so this ratio is capped by
 *   the client side;
 * - raw keep-alive HTTP clients sending the same serialized, signed requests, which leave the
 *   machine to the servers and so compare the servers themselves.
 * Beside each rate, the server's own CPU time per request (from /proc): the cost of a request, which
 * other load on the machine does not change the way it changes the rate. Last, the floor of that cost
 * on this machine in this run: a bare node:http server that answers every request with a canned body
 * of an Encrypt answer's size (keep-alive, no work), driven by the same raw clients; issue 12's goal
 * is 60 µs per Encrypt.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const CLIENTS = 8;
const SECONDS = 3;
const WARMUP_SECONDS = 1;
/** Issue 12's goal for the server CPU per Encrypt request. */
const GOAL_MICROS = 60;
const MAIN = join(import.meta.dirname, '..', 'src-node', 'cli', 'main.ts');

interface Target {
  name: string;
  url: string;
  process: ChildProcess;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function waitForOutput(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = pattern.exec(seen);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${seen}`)));
  });
}

async function startKmsw(): Promise<Target> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--in-memory', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await waitForOutput(child, /listening on (http:\/\/\S+)/, 'kmsw serve');
  return { name: 'kmsw serve', url, process: child };
}

async function startMoto(): Promise<Target> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForOutput(child, /Running on (http:\/\/\S+)/, 'moto_server');
  return { name: 'moto_server', url: `http://127.0.0.1:${port}`, process: child };
}

/** node:http with nothing behind it: reads the body, parses it as JSON, answers a canned Encrypt-sized answer. */
const FLOOR_SERVER = `
const { createServer } = require('node:http');
const { randomUUID } = require('node:crypto');
const body = JSON.stringify({ KeyMetadata: { KeyId: 'k' }, KeyId: 'arn:aws:kms:us-east-1:123456789012:key/' + randomUUID(), CiphertextBlob: Buffer.alloc(400).toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString() || '{}');
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

async function startFloor(): Promise<Target> {
  const child = spawn(process.execPath, ['-e', FLOOR_SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await waitForOutput(child, /listening on (http:\/\/\S+)/, 'node:http floor');
  return { name: 'node:http floor', url, process: child };
}

function client(url: string): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) }),
  });
}

/** One request of one client; the index says which client sends it. */
type Op = (client: number) => Promise<unknown>;

/** Runs `op` from every client in a loop for `seconds`; resolves to the requests completed and the time taken. */
async function run(op: Op, seconds: number): Promise<{ requests: number; seconds: number }> {
  const deadline = performance.now() + seconds * 1000;
  let requests = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    while (performance.now() < deadline) {
      await op(c);
      requests++;
    }
  }));
  return { requests, seconds: (performance.now() - started) / 1000 };
}

const CLOCK_TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds (user + system, all threads) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the line.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

interface Figures {
  /** Requests per second. */
  rate: number;
  /** Server CPU time per request in microseconds: what the server costs, whatever else runs on the machine. */
  cpuMicros: number;
}

const PLAINTEXT = new Uint8Array(256).fill(7);
const CONTEXT = { purpose: 'bench' };

/** A key and a ciphertext under it on `target`, made with the SDK. */
async function prepare(target: Target): Promise<{ KeyId: string; CiphertextBlob: Uint8Array }> {
  const kms = client(target.url);
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'bench' }));
  const KeyId = KeyMetadata!.KeyId!;
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId, Plaintext: PLAINTEXT, EncryptionContext: CONTEXT }));
  kms.destroy();
  return { KeyId, CiphertextBlob: CiphertextBlob! };
}

function sdkOps(target: Target, KeyId: string, CiphertextBlob: Uint8Array): { ops: Record<string, Op>; close(): void } {
  const clients = Array.from({ length: CLIENTS }, () => client(target.url));
  return {
    ops: {
      Encrypt: (c) => clients[c].send(new EncryptCommand({ KeyId, Plaintext: PLAINTEXT, EncryptionContext: CONTEXT })),
      Decrypt: (c) => clients[c].send(new DecryptCommand({ CiphertextBlob, EncryptionContext: CONTEXT })),
      GenerateDataKey: (c) => clients[c].send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT })),
    },
    close: () => clients.forEach((kms) => kms.destroy()),
  };
}

/** The wire form of each request, sent as is: the servers accept any well-formed SigV4 header. */
function rawOps(target: Target, KeyId: string, CiphertextBlob: Uint8Array): { ops: Record<string, Op>; close(): void } {
  const agents = Array.from({ length: CLIENTS }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  const url = new URL(target.url);
  const send = (operation: string, body: unknown): Op => {
    const payload = Buffer.from(JSON.stringify(body));
    // Dated now: servers refuse signatures more than 15 minutes off, as AWS does.
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const headers = {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(payload.length),
      'x-amz-target': `TrentService.${operation}`,
      'x-amz-date': date,
      authorization: `AWS4-HMAC-SHA256 Credential=test/${date.slice(0, 8)}/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
    };
    return (c) =>
      new Promise((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, path: '/', method: 'POST', agent: agents[c], headers }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve(undefined) : reject(new Error(`${operation}: HTTP ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(payload);
      });
  };
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return {
    ops: {
      Encrypt: send('Encrypt', { KeyId, Plaintext: b64(PLAINTEXT), EncryptionContext: CONTEXT }),
      Decrypt: send('Decrypt', { CiphertextBlob: b64(CiphertextBlob), EncryptionContext: CONTEXT }),
      GenerateDataKey: send('GenerateDataKey', { KeyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT }),
    },
    close: () => agents.forEach((a) => a.destroy()),
  };
}

async function measure(target: Target, driver: typeof sdkOps): Promise<Record<string, Figures>> {
  const { KeyId, CiphertextBlob } = await prepare(target);
  const { ops, close } = driver(target, KeyId, CiphertextBlob);
  const out: Record<string, Figures> = {};
  try {
    // Warm every path first: the server's first seconds (JIT, lazily loaded modules) are not its speed.
    for (const op of Object.values(ops)) await run(op, WARMUP_SECONDS);
    for (const [name, op] of Object.entries(ops)) {
      const cpuBefore = cpuSeconds(target.process.pid!);
      const { requests, seconds } = await run(op, SECONDS);
      out[name] = { rate: requests / seconds, cpuMicros: ((cpuSeconds(target.process.pid!) - cpuBefore) / requests) * 1e6 };
    }
  } finally {
    close();
  }
  return out;
}

function report(title: string, ours: Record<string, Figures>, reference: Record<string, Figures>): void {
  console.log(`\n${title}`);
  console.log(`${'operation'.padEnd(16)} ${'kmsw req/s'.padStart(11)} ${'moto req/s'.padStart(11)} ${'ratio'.padStart(7)}   ${'kmsw CPU/req'.padStart(13)} ${'moto CPU/req'.padStart(13)} ${'ratio'.padStart(7)}`);
  for (const op of Object.keys(ours)) {
    const [a, b] = [ours[op], reference[op]];
    console.log(
      `${op.padEnd(16)} ${a.rate.toFixed(0).padStart(11)} ${b.rate.toFixed(0).padStart(11)} ${(a.rate / b.rate).toFixed(1).padStart(6)}x` +
        `   ${`${a.cpuMicros.toFixed(0)} µs`.padStart(13)} ${`${b.cpuMicros.toFixed(0)} µs`.padStart(13)} ${(b.cpuMicros / a.cpuMicros).toFixed(1).padStart(6)}x`,
    );
  }
}

async function stop(target: Target): Promise<void> {
  if (target.process.exitCode !== null) return;
  const exited = once(target.process, 'exit');
  target.process.kill('SIGTERM');
  await exited;
}

async function main(): Promise<void> {
  // moto first: its start-up keeps a core busy for a while after it prints its address.
  const moto = await startMoto();
  const ours = await startKmsw();
  try {
    console.log(`${CLIENTS} concurrent clients on keep-alive connections, ${SECONDS} s per operation after ${WARMUP_SECONDS} s of warm-up each, 256-byte plaintext`);
    report('@aws-sdk/client-kms clients', await measure(ours, sdkOps), await measure(moto, sdkOps));
    const raw = await measure(ours, rawOps);
    report('raw HTTP clients (pre-serialized requests)', raw, await measure(moto, rawOps));
    const floor = await startFloor();
    try {
      const bare = (await measure(floor, rawOps)).Encrypt.cpuMicros;
      const kmsw = raw.Encrypt.cpuMicros;
      console.log(`\nserver CPU per Encrypt (raw clients): kmsw ${kmsw.toFixed(0)} µs; bare node:http answering a canned body ${bare.toFixed(0)} µs (the floor on this machine now)`);
      console.log(`  kmsw / floor ${(kmsw / bare).toFixed(2)}x, kmsw above the floor ${(kmsw - bare).toFixed(0)} µs; goal ≤ ${GOAL_MICROS} µs: kmsw / goal ${(kmsw / GOAL_MICROS).toFixed(2)}x, floor / goal ${(bare / GOAL_MICROS).toFixed(2)}x`);
    } finally {
      await stop(floor);
    }
  } finally {
    await stop(ours);
    await stop(moto);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
