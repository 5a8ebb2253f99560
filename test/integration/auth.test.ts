/**
 * SigV4 with `--credentials FILE`: signatures from the JS SDK, the AWS CLI and boto3 verify against
 * the known secrets; a wrong secret, an unknown key or a tampered body are refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateKeyCommand, DescribeCustomKeyStoresCommand, EncryptCommand, GetKeyPolicyCommand, KMSServiceException, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { awsCli, awsEnv, boto3, hasAwsCli, hasBoto3, kmsw, raw, sdkClient, serve, signedHeaders, type Served } from './serve';

const ALICE = { accessKeyId: 'AKIAALICE000000000001', secretAccessKey: 'alice-secret-key', principal: 'arn:aws:iam::111122223333:user/alice' };
const BOB = { accessKeyId: 'AKIABOB00000000000001', secretAccessKey: 'bob-secret-key', principal: 'arn:aws:iam::111122223333:user/bob' };
const dir = mkdtempSync(join(tmpdir(), 'kmsw-auth-'));
const credentialsFile = join(dir, 'credentials.json');
let server: Served;

before(async () => {
  writeFileSync(credentialsFile, JSON.stringify([ALICE, BOB]));
  server = await serve(['--in-memory', '--credentials', credentialsFile]);
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function sdkError(accessKeyId: string, secretAccessKey: string): Promise<KMSServiceException> {
  try {
    await sdkClient(server.url, { accessKeyId, secretAccessKey }).send(new DescribeCustomKeyStoresCommand({}));
  } catch (e) {
    assert.ok(e instanceof KMSServiceException);
    return e;
  }
  throw new Error('the request was accepted');
}

test('the JS SDK signature verifies against the known secret and the caller is the mapped principal', async () => {
  const kms = sdkClient(server.url, ALICE);
  assert.deepEqual((await kms.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores, []);
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  assert.equal(KeyMetadata!.AWSAccountId, '111122223333', "the principal's account owns the key");
  const policy = JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: KeyMetadata!.KeyId }))).Policy!);
  assert.equal(policy.Statement[0].Principal.AWS, 'arn:aws:iam::111122223333:root');
});

test('each access key acts as its own principal: a key policy naming alice refuses bob', async () => {
  const alice = sdkClient(server.url, ALICE);
  const bob = sdkClient(server.url, BOB);
  const { KeyMetadata } = await alice.send(new CreateKeyCommand({}));
  const KeyId = KeyMetadata!.KeyId!;
  const onlyAlice = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ALICE.principal }, Action: 'kms:*', Resource: '*' }] };
  await alice.send(new PutKeyPolicyCommand({ KeyId, Policy: JSON.stringify(onlyAlice) }));
  const Plaintext = new TextEncoder().encode('x');
  assert.ok((await alice.send(new EncryptCommand({ KeyId, Plaintext }))).CiphertextBlob);
  await assert.rejects(bob.send(new EncryptCommand({ KeyId, Plaintext })), (e: unknown) => {
    assert.ok(e instanceof KMSServiceException);
    assert.equal(e.name, 'AccessDeniedException');
    assert.match(e.message, /User: arn:aws:iam::111122223333:user\/bob is not authorized to perform: kms:Encrypt/);
    return true;
  });
});

test('a signed session token is part of the verified signature', async () => {
  const out = await sdkClient(server.url, { ...ALICE, sessionToken: 'FwoGZXIvYXdzEBYaDH' }).send(new DescribeCustomKeyStoresCommand({}));
  assert.deepEqual(out.CustomKeyStores, []);
});

test('a wrong secret is InvalidSignatureException, an unknown access key UnrecognizedClientException', async () => {
  const wrong = await sdkError(ALICE.accessKeyId, 'not-the-secret');
  assert.equal(wrong.name, 'InvalidSignatureException');
  assert.equal(wrong.$metadata.httpStatusCode, 403);
  assert.match(wrong.message, /signature we calculated does not match/);
  const unknown = await sdkError('AKIAUNKNOWN000000000', 'whatever');
  assert.equal(unknown.name, 'UnrecognizedClientException');
});

test('a well-formed but forged signature is refused', async () => {
  const res = await raw(server.url, { headers: signedHeaders('DescribeCustomKeyStores', ALICE.accessKeyId), body: '{}' });
  assert.equal(res.status, 403);
  assert.equal(res.headers['x-amzn-errortype'], 'InvalidSignatureException');
});

test('a body changed after signing fails verification', async () => {
  const url = new URL(server.url);
  const signer = new SignatureV4({ credentials: ALICE, region: 'us-east-1', service: 'kms', sha256: Sha256 });
  const signed = await signer.sign(new HttpRequest({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/',
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.DescribeCustomKeyStores' },
    body: '{"Limit": 5}',
  }));
  const headers = signed.headers as Record<string, string>;
  assert.equal((await raw(server.url, { headers, body: '{"Limit": 5}' })).status, 200, 'the signed request passes as sent');
  const tampered = await raw(server.url, { headers, body: '{"Limit": 6}' });
  assert.equal(tampered.status, 403);
  assert.equal(tampered.headers['x-amzn-errortype'], 'InvalidSignatureException');
});

test('with a signed x-amz-content-sha256, the signature is checked before the body is read; the body must then match the hash', async () => {
  const url = new URL(server.url);
  const body = '{"Limit": 5}';
  const sign = (secretAccessKey: string, declared: string) =>
    new SignatureV4({ credentials: { ...ALICE, secretAccessKey }, region: 'us-east-1', service: 'kms', sha256: Sha256 }).sign(new HttpRequest({
      method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/',
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.DescribeCustomKeyStores', 'x-amz-content-sha256': declared },
      body,
    }));
  const hash = createHash('sha256').update(body).digest('hex');
  const good = (await sign(ALICE.secretAccessKey, hash)).headers as Record<string, string>;
  assert.equal((await raw(server.url, { headers: good, body })).status, 200);
  assert.equal((await raw(server.url, { headers: good, body: '{"Limit": 6}' })).status, 403, 'a body that is not the signed hash');
  // A wrong secret announcing 100 KB that never comes: refused from its headers at once, the connection closed.
  const forged = (await sign('not-alice', hash)).headers as Record<string, string>;
  const socket = connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (answer += d));
  socket.write(`POST / HTTP/1.1\r\n${Object.entries({ ...forged, 'content-length': '100000' }).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  await once(socket, 'close');
  assert.match(answer, /^HTTP\/1.1 403/);
  assert.match(answer, /InvalidSignatureException/);
});

test('the AWS CLI signature verifies, and a wrong secret is refused', { skip: !hasAwsCli() && 'aws CLI not installed' }, () => {
  const env = { ...awsEnv(), AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey };
  const ok = awsCli(server.url, ['describe-custom-key-stores'], env);
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(ok.json!.CustomKeyStores, []);
  const bad = awsCli(server.url, ['describe-custom-key-stores'], { ...env, AWS_SECRET_ACCESS_KEY: 'nope' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /InvalidSignatureException/);
});

test('the boto3 signature verifies', { skip: !hasBoto3() && 'boto3 not importable' }, () => {
  const env = { ...awsEnv(), AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey };
  const r = boto3(server.url, 'print(json.dumps(kms.describe_custom_key_stores()["CustomKeyStores"]))', env);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.json, []);
});

test('a credentials file that is not valid stops serve with a message naming the problem', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify([{ accessKeyId: 'A', secretAccessKey: 's', principal: 'alice' }]));
  const r = kmsw(['serve', '--in-memory', '--port', '0', '--credentials', bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /entry 1: "principal" must be an IAM ARN/);
  assert.doesNotMatch(r.stderr, /"s"/);
});
