/**
 * Selection encryption against a running `kmsw serve`: the short form is exactly what the AWS CLI's
 * `aws kms encrypt` prints and `aws kms decrypt` reads, both ways; the envelope form round-trips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { decryptText, encryptText } from '../../src-core/encryption-sdk/text';
import { kmsFromClient } from '../../src-node/files/kms-adapter';
import { awsCli, hasAwsCli, sdkClient, serve } from './serve';
import { nodeRandom } from '../../src-node/host';

test('short text is an aws kms encrypt blob both ways; long text is an envelope message', { skip: !hasAwsCli() && 'AWS CLI v2 not installed' }, async (t) => {
  const served = await serve(['--in-memory']);
  t.after(() => served.stop());
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-text-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const client = sdkClient(served.url);
  const kms = kmsFromClient(client);
  const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
  const keyArn = KeyMetadata!.Arn!;

  const text = 'db_password = "correct horse battery staple" ✓';
  const ours = await encryptText(kms, { keyId: keyArn, random: nodeRandom, plaintext: text });
  await writeFile(join(dir, 'blob'), Buffer.from(ours, 'base64'));
  const byCli = awsCli(served.url, ['decrypt', '--ciphertext-blob', `fileb://${join(dir, 'blob')}`]);
  assert.equal(byCli.status, 0, byCli.stderr);
  assert.equal(Buffer.from(byCli.json!.Plaintext as string, 'base64').toString('utf8'), text);
  assert.equal(byCli.json!.KeyId, keyArn);

  await writeFile(join(dir, 'plain'), text);
  const fromCli = awsCli(served.url, ['encrypt', '--key-id', keyArn, '--plaintext', `fileb://${join(dir, 'plain')}`]);
  assert.equal(fromCli.status, 0, fromCli.stderr);
  assert.deepEqual(await decryptText(kms, fromCli.json!.CiphertextBlob as string), { plaintext: text, form: 'kms-ciphertext', keyArn, encryptionContext: {} });

  const long = 'line of a long secret file\n'.repeat(400);
  const envelope = await encryptText(kms, { keyId: keyArn, random: nodeRandom, plaintext: long, context: { file: 'settings.env' } });
  const back = await decryptText(kms, envelope);
  assert.equal(back.plaintext, long);
  assert.equal(back.form, 'encryption-sdk');
  assert.deepEqual(back.encryptionContext, { file: 'settings.env' });
});
