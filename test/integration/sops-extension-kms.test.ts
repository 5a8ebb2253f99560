/**
 * The extension's KMS for SOPS files (client/sops/kms.ts) through an AWS connection to `kmsw serve`:
 * an entry whose key is in another Region than the connection's is called in its own Region with the
 * connection's credentials, as the CLI and sops do; an entry with a role is called with the role's
 * credentials from STS AssumeRole (a loopback STS), assumed once for the connection.
 */
import { test } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { decryptSops, encryptSops } from '../../src-core/sops/document';
import { AwsConnection } from '../../client/connections/connection';
import type { Ctx } from '../../client/ctx';
import { withSopsEnvironment } from '../../client/sops/kms';
import { kmsFromClient } from '../../src-node/files/kms-adapter';
import { stsSessionName } from '../../src-node/sops-roles';
import { awsEnv, sdkClient, serve } from './serve';
import { startStsStub } from './sops-sts-stub';

const PLAIN = 'db:\n    password: hunter2\n';

function withEnv(t: { after(fn: () => void): void }, env: NodeJS.ProcessEnv): void {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  t.after(() => {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  });
}

function ctxOf(connection: AwsConnection): Ctx {
  return { connections: { active: () => connection, all: () => [connection] }, connectionFor: () => connection } as unknown as Ctx;
}

test('a key in another Region than the connection\'s: encrypted and decrypted in its own Region', async (t) => {
  const served = await serve(['--in-memory']);
  t.after(() => served.stop());
  const eu = sdkClient(served.url, { region: 'eu-west-1' });
  t.after(() => eu.destroy());
  const arn = (await eu.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  assert.match(arn, /:eu-west-1:/);
  withEnv(t, awsEnv());
  const connection = new AwsConnection({ region: 'us-east-1', endpoint: served.url });
  t.after(() => connection.close());
  const ctx = ctxOf(connection);

  const encrypted = await withSopsEnvironment(ctx, (env) => encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn }]] }, env));
  assert.ok(!encrypted.includes('hunter2'));
  assert.equal((await withSopsEnvironment(ctx, (env) => decryptSops(encrypted, 'yaml', env))).plaintext, PLAIN);
  // The data key really is under the eu-west-1 key: the connection's own Region cannot decrypt it.
  await assert.rejects(decryptSops(encrypted, 'yaml', { kms: kmsFromClient(await connection.client()), random: { bytes: (n) => new Uint8Array(n) }, clock: { now: () => 0 } }));

});

test('an entry with a role: STS AssumeRole with the connection\'s credentials, the KMS calls with the role\'s, assumed once while the connection lives; a refused role is named', async (t) => {
  const role = 'arn:aws:iam::111122223333:role/sops-ops';
  const roleKey = { accessKeyId: 'ASIASOPSROLE', secretAccessKey: 'role-secret' };
  const sts = await startStsStub({ [role]: roleKey });
  t.after(() => sts.close());
  // The endpoint knows only the role's credentials, so a KMS call signed with the connection's own fails.
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-sops-role-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'credentials.json'), JSON.stringify([{ ...roleKey, principal: role }]));
  const served = await serve(['--in-memory', '--credentials', join(dir, 'credentials.json')]);
  t.after(() => served.stop());
  const eu = sdkClient(served.url, { ...roleKey, region: 'eu-west-1' });
  t.after(() => eu.destroy());
  const arn = (await eu.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  withEnv(t, { ...awsEnv('us-east-1', 'AKIDSOPSUSER'), AWS_ENDPOINT_URL_STS: sts.url });
  const connection = new AwsConnection({ region: 'us-east-1', endpoint: served.url });
  t.after(() => connection.close());
  const ctx = ctxOf(connection);

  const encrypted = await withSopsEnvironment(ctx, (env) => encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn, role }]] }, env));
  assert.match(encrypted, new RegExp(`role: ${role}\\n`));
  assert.equal((await withSopsEnvironment(ctx, (env) => decryptSops(encrypted, 'yaml', env))).plaintext, PLAIN);
  assert.deepEqual(sts.calls, [{ roleArn: role, sessionName: stsSessionName(), accessKeyId: 'AKIDSOPSUSER', region: 'eu-west-1' }]);

  const denied = 'arn:aws:iam::111122223333:role/not-mine';
  await assert.rejects(
    withSopsEnvironment(ctx, (env) => decryptSops(encrypted.replace(`role: ${role}`, `role: ${denied}`), 'yaml', env)),
    (e: unknown) => e instanceof Error && new RegExp(`cannot assume role ${denied} for its KMS key \\(STS AssumeRole: User: .* is not authorized to perform: sts:AssumeRole`).test(e.message),
  );
});
