/**
 * The endpoint keeps parsed key policies between requests: a policy changed by another process that
 * shares the keyring folder must still be enforced on the very next request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, EncryptCommand, KMSServiceException, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { sdkClient, serve, type Served } from './serve';

const ALICE = { accessKeyId: 'AKIAALICE000000000001', secretAccessKey: 'alice-secret-key', principal: 'arn:aws:iam::111122223333:user/alice' };
const BOB = { accessKeyId: 'AKIABOB00000000000001', secretAccessKey: 'bob-secret-key', principal: 'arn:aws:iam::111122223333:user/bob' };
const dir = mkdtempSync(join(tmpdir(), 'kmsw-policy-cache-'));
const credentialsFile = join(dir, 'credentials.json');
const data = join(dir, 'keyring');
let first: Served;
let second: Served;

before(async () => {
  writeFileSync(credentialsFile, JSON.stringify([ALICE, BOB]));
  first = await serve(['--data', data, '--credentials', credentialsFile]);
  second = await serve(['--data', data, '--credentials', credentialsFile]);
});
after(async () => {
  await first?.stop();
  await second?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const policyFor = (...principals: string[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principals }, Action: 'kms:*', Resource: '*' }] });

test('a key policy put through another kmsw serve on the same folder is enforced on the next request', async () => {
  const aliceHere = sdkClient(first.url, ALICE);
  const bobHere = sdkClient(first.url, BOB);
  const aliceThere = sdkClient(second.url, ALICE);
  const Plaintext = new TextEncoder().encode('x');
  const { KeyMetadata } = await aliceHere.send(new CreateKeyCommand({}));
  const KeyId = KeyMetadata!.KeyId!;
  // The default policy (the whole account) is now parsed and kept by the first server.
  for (let i = 0; i < 3; i++) assert.ok((await bobHere.send(new EncryptCommand({ KeyId, Plaintext }))).CiphertextBlob);

  await aliceThere.send(new PutKeyPolicyCommand({ KeyId, Policy: policyFor(ALICE.principal) }));
  await assert.rejects(bobHere.send(new EncryptCommand({ KeyId, Plaintext })), (e: unknown) => {
    assert.ok(e instanceof KMSServiceException);
    assert.equal(e.name, 'AccessDeniedException');
    assert.match(e.message, /user\/bob is not authorized to perform: kms:Encrypt/);
    return true;
  });
  assert.ok((await aliceHere.send(new EncryptCommand({ KeyId, Plaintext }))).CiphertextBlob);

  await aliceThere.send(new PutKeyPolicyCommand({ KeyId, Policy: policyFor(ALICE.principal, BOB.principal) }));
  assert.ok((await bobHere.send(new EncryptCommand({ KeyId, Plaintext }))).CiphertextBlob);
  [aliceHere, bobHere, aliceThere].forEach((c) => c.destroy());
});
