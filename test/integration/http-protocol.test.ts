/**
 * `kmsw serve` on the wire: AWS JSON 1.1 answers and AWS's error shape for everything a client can
 * get wrong, never a crash or an HTML page; reset routes; keep-alive; clean shutdown.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { raw, serve, signedHeaders, type RawResponse, type Served } from './serve';

let server: Served;
before(async () => {
  server = await serve(['--in-memory']);
});
after(async () => {
  await server?.stop();
});

function assertAwsError(res: RawResponse, status: number, type: string): { __type: string; message: string } {
  assert.equal(res.status, status, res.body);
  assert.equal(res.headers['content-type'], 'application/x-amz-json-1.1');
  assert.equal(res.headers['x-amzn-errortype'], type);
  assert.match(String(res.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
  const body = JSON.parse(res.body) as { __type: string; message: string };
  assert.equal(body.__type, type);
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0);
  return body;
}

const CKS = JSON.stringify({ CustomKeyStoreName: 'hsm', CloudHsmClusterId: 'cluster-234abcdefgh', TrustAnchorCertificate: 'cert', KeyStorePassword: 'kmsuser-password' });

test('a signed request is answered with JSON 1.1 and a request ID', async () => {
  const res = await raw(server.url, { headers: signedHeaders('DescribeCustomKeyStores'), body: '{}' });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.headers['content-type'], 'application/x-amz-json-1.1');
  assert.match(String(res.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
  assert.deepEqual(JSON.parse(res.body), { CustomKeyStores: [], Truncated: false });
});

test('an empty body counts as {} and application/json is accepted', async () => {
  const res = await raw(server.url, { headers: { ...signedHeaders('DescribeCustomKeyStores'), 'content-type': 'application/json' } });
  assert.equal(res.status, 200, res.body);
});

test('malformed JSON and non-object bodies are SerializationException', async () => {
  assertAwsError(await raw(server.url, { headers: signedHeaders('DescribeCustomKeyStores'), body: '{"Limit": ' }), 400, 'SerializationException');
  assertAwsError(await raw(server.url, { headers: signedHeaders('DescribeCustomKeyStores'), body: '[1,2]' }), 400, 'SerializationException');
  assertAwsError(await raw(server.url, { headers: signedHeaders('DescribeCustomKeyStores'), body: '{"Limit": "ten"}' }), 400, 'SerializationException');
});

test('unknown or missing targets are UnknownOperationException', async () => {
  const body = assertAwsError(await raw(server.url, { headers: signedHeaders('Frobnicate'), body: '{}' }), 400, 'UnknownOperationException');
  assert.match(body.message, /Frobnicate/);
  assertAwsError(await raw(server.url, { headers: { ...signedHeaders('ListKeys'), 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' }), 400, 'UnknownOperationException');
  const { 'x-amz-target': _, ...untargeted } = signedHeaders('ListKeys');
  assertAwsError(await raw(server.url, { headers: untargeted, body: '{}' }), 400, 'UnknownOperationException');
});

test('validation failures use the model constraint messages', async () => {
  const body = assertAwsError(await raw(server.url, { headers: signedHeaders('DescribeCustomKeyStores'), body: '{"Limit": 0}' }), 400, 'ValidationException');
  assert.match(body.message, /^1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1/);
});

test('missing or garbled authentication is refused with 403 before anything runs', async () => {
  const { authorization: _, ...unsigned } = signedHeaders('CreateCustomKeyStore');
  assertAwsError(await raw(server.url, { headers: unsigned, body: CKS }), 403, 'MissingAuthenticationToken');
  const garbled = { ...signedHeaders('CreateCustomKeyStore'), authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kms/aws4_request' };
  const incomplete = assertAwsError(await raw(server.url, { headers: garbled, body: CKS }), 403, 'IncompleteSignature');
  assert.match(incomplete.message, /'SignedHeaders'/);
  assert.match(incomplete.message, /'Signature'/);
  const basic = { ...signedHeaders('CreateCustomKeyStore'), authorization: 'Basic dXNlcjpwYXNz' };
  assertAwsError(await raw(server.url, { headers: basic, body: CKS }), 403, 'IncompleteSignature');
  const otherService = { ...signedHeaders('CreateCustomKeyStore'), authorization: signedHeaders('X').authorization.replace('/kms/', '/s3/') };
  assertAwsError(await raw(server.url, { headers: otherService, body: CKS }), 403, 'InvalidSignatureException');
  const list = await raw(server.url, { headers: signedHeaders('DescribeCustomKeyStores'), body: '{}' });
  assert.deepEqual(JSON.parse(list.body).CustomKeyStores, [], 'no refused request changed the keyring');
});

test('an oversized body is refused with a JSON error and the server keeps serving', async () => {
  const res = await raw(server.url, { headers: signedHeaders('DescribeCustomKeyStores'), body: `{"Marker":"${'a'.repeat(2 * 1024 * 1024)}"}` });
  assertAwsError(res, 413, 'ValidationException');
  assert.equal((await raw(server.url, { headers: signedHeaders('DescribeCustomKeyStores'), body: '{}' })).status, 200);
});

test('other methods and paths get a JSON error, not an HTML page', async () => {
  assertAwsError(await raw(server.url, { method: 'GET', path: '/' }), 404, 'UnknownOperationException');
  assertAwsError(await raw(server.url, { method: 'POST', path: '/admin', headers: signedHeaders('ListKeys'), body: '{}' }), 404, 'UnknownOperationException');
});

test('POST /_reset and /moto-api/reset clear an in-memory keyring', async () => {
  for (const path of ['/_reset', '/moto-api/reset']) {
    const created = await raw(server.url, { headers: signedHeaders('CreateCustomKeyStore'), body: CKS });
    assert.equal(created.status, 200, created.body);
    const reset = await raw(server.url, { path });
    assert.equal(reset.status, 200);
    const list = await raw(server.url, { headers: signedHeaders('DescribeCustomKeyStores'), body: '{}' });
    assert.deepEqual(JSON.parse(list.body).CustomKeyStores, [], `${path} cleared the keyring`);
  }
});

test('one keep-alive connection carries many concurrent requests', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const sockets = new Set<unknown>();
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(server.url, { method: 'POST', agent, headers: signedHeaders('DescribeCustomKeyStores') }, (res) => {
        sockets.add(res.socket);
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end('{}');
    });
  const statuses = await Promise.all(Array.from({ length: 64 }, one));
  agent.destroy();
  assert.deepEqual(new Set(statuses), new Set([200]));
  assert.ok(sockets.size <= 4, `64 requests over ${sockets.size} sockets`);
});

test('SIGTERM stops the server cleanly with exit code 0', async () => {
  const other = await serve(['--in-memory']);
  assert.equal(await other.stop('SIGTERM'), 0, other.stderr());
  const third = await serve(['--in-memory']);
  assert.equal(await third.stop('SIGINT'), 0, third.stderr());
});

test('SIGTERM during a stream of keep-alive requests answers what it took and exits 0', async () => {
  const busy = await serve(['--in-memory']);
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const statuses: number[] = [];
  let stopped = false;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = httpRequest(busy.url, { method: 'POST', agent, headers: signedHeaders('DescribeCustomKeyStores') }, (res) => {
        statuses.push(res.statusCode!);
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => {
        stopped = true; // the server went away between requests
        resolve();
      });
      req.end('{}');
    });
  const loops = [0, 1].map(async () => {
    while (!stopped) await one();
  });
  // Bounded: a server that never answers fails the test within 10 s instead of hanging it.
  for (let waited = 0; statuses.length < 20; waited += 10) {
    if (waited >= 10_000 || stopped) {
      stopped = true;
      busy.process.kill('SIGKILL');
      assert.fail(`only ${statuses.length} answers before the server went away or 10 s passed:\n${busy.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(await busy.stop('SIGTERM'), 0, busy.stderr());
  stopped = true;
  await Promise.all(loops);
  agent.destroy();
  assert.deepEqual(new Set(statuses), new Set([200]), 'every answered request succeeded');
});
