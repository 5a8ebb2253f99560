/**
 * The extension's KMS for SOPS files (client/sops/kms.ts) through an AWS connection to `kmsw serve`:
 * an entry whose key is in another Region than the connection's is called in its own Region with the
 * connection's credentials, as the CLI and sops do; an entry with a role is refused with what it needs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { decryptSops, encryptSops } from '../../src-core/sops/document';
import { AwsConnection } from '../../client/connections/connection';
import type { Ctx } from '../../client/ctx';
import { withSopsEnvironment } from '../../client/sops/kms';
import { kmsFromClient } from '../../src-node/files/kms-adapter';
import { awsEnv, sdkClient, serve } from './serve';

const PLAIN = 'db:\n    password: hunter2\n';

test('a key in another Region than the connection\'s: encrypted and decrypted in its own Region; a role is refused', async (t) => {
  const served = await serve(['--in-memory']);
  t.after(() => served.stop());
  const eu = sdkClient(served.url, { region: 'eu-west-1' });
  t.after(() => eu.destroy());
  const arn = (await eu.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  assert.match(arn, /:eu-west-1:/);
  const saved = { ...process.env };
  Object.assign(process.env, awsEnv());
  t.after(() => {
    for (const k of Object.keys(awsEnv())) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  });
  const connection = new AwsConnection({ region: 'us-east-1', endpoint: served.url });
  t.after(() => connection.close());
  const ctx = { connections: { active: () => connection, all: () => [connection] }, connectionFor: () => connection } as unknown as Ctx;

  const encrypted = await withSopsEnvironment(ctx, (env) => encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn }]] }, env));
  assert.ok(!encrypted.includes('hunter2'));
  assert.equal((await withSopsEnvironment(ctx, (env) => decryptSops(encrypted, 'yaml', env))).plaintext, PLAIN);
  // The data key really is under the eu-west-1 key: the connection's own Region cannot decrypt it.
  await assert.rejects(decryptSops(encrypted, 'yaml', { kms: kmsFromClient(await connection.client()), random: { bytes: (n) => new Uint8Array(n) }, clock: { now: () => 0 } }));

  const withRole = encrypted.replace(/^( {10})aws_profile: ""\n/m, '$1aws_profile: ""\n$1role: arn:aws:iam::111122223333:role/ops\n');
  await assert.rejects(
    withSopsEnvironment(ctx, (env) => decryptSops(withRole, 'yaml', env, { ignoreMac: true })),
    (e: unknown) => e instanceof Error && /assuming role arn:aws:iam::111122223333:role\/ops needs AWS STS AssumeRole/.test(e.message),
  );
});
