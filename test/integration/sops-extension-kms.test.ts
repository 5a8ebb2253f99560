/**
 * The extension's KMS for SOPS files (client/sops/kms.ts): files it writes with a local key or through
 * `kmsw serve` are read by `kmsw sops`, and back. Through an AWS connection to `kmsw serve`:
 * an entry whose key is in another Region than the connection's is called in its own Region with the
 * connection's credentials, as the CLI and sops do; an entry with a role is called with the role's
 * credentials from STS AssumeRole (a loopback STS), assumed once for the connection.
 */
import { test } from 'node:test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { decryptSops, encryptSops } from '../../src-core/sops/document';
import { AwsConnection } from '../../client/connections/connection';
import type { KmsConnection } from '../../client/connections/connection';
import type { Ctx } from '../../client/ctx';
import type { CliIo } from '../../src-node/cli/command';
import { sopsCommand } from '../../src-node/cli/commands/sops';
import { runCli } from '../../src-node/cli/run';
import { openLocalKms } from '../../src-node/host';
import { createLocalKmsClient } from '../../src-node/local-client';
import { withSopsEnvironment } from '../../client/sops/kms';
import { kmsFromClient } from '../../src-node/files/kms-adapter';
import { stsSessionName } from '../../src-node/sops-roles';
import { awsEnv, sdkClient, serve } from './serve';
import { SOPS_ROLE, startRoleFixture } from './sops-sts-stub';

const PLAIN = 'db:\n    password: hunter2\n';

function withEnv(t: { after(fn: () => void): void }, env: NodeJS.ProcessEnv): void {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  t.after(() => {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  });
}

function ctxOf(connection: KmsConnection): Ctx {
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
  const role = SOPS_ROLE;
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-sops-role-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const { sts, served, arn } = await startRoleFixture(t, dir);
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

async function kmsw(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd, isTTY: false, signal: new AbortController().signal };
  const status = await runCli(args, io, [sopsCommand]);
  return { status, stdout, stderr };
}

test('a YAML file encrypted by the extension with a local key decrypts with kmsw sops decrypt, and one kmsw sops encrypt wrote opens in the extension; the local keyring ignores an entry\'s role', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-sops-ext-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const data = join(dir, 'keyring');
  // The local connection as the extension opens it (LocalConnection.handle: the keyring and its client), without VS Code.
  const openLocal = async () => {
    const kms = await openLocalKms({ dataDir: data, env: {} });
    const client = createLocalKmsClient(kms);
    const connection = { kind: 'local', region: kms.region, client: async () => client, handle: async () => ({ kms, client }) } as unknown as KmsConnection;
    return { kms, connection, close: async () => (client.destroy(), await kms.close()) };
  };
  const first = await openLocal();
  const arn = ((await first.kms.service.call('CreateKey', {}, first.kms.defaultCaller())).output as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
  const byExtension = await withSopsEnvironment(ctxOf(first.connection), (env) => encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn }]] }, env));
  // The local keyring has no STS: an entry's role is kept in the file and not assumed (its caller is the account root).
  const role = 'arn:aws:iam::111122223333:role/sops-ops';
  const withRole = await withSopsEnvironment(ctxOf(first.connection), (env) => encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn, role }]] }, env));
  assert.match(withRole, new RegExp(`role: ${role}\n`));
  assert.equal((await withSopsEnvironment(ctxOf(first.connection), (env) => decryptSops(withRole, 'yaml', env))).plaintext, PLAIN);
  await first.close();
  await writeFile(join(dir, 'ext.enc.yaml'), byExtension);
  const env = { KMSW_DATA_DIR: data };
  const dec = await kmsw(['sops', 'decrypt', 'ext.enc.yaml'], dir, env);
  assert.equal(dec.status, 0, dec.stderr);
  assert.equal(dec.stdout, PLAIN);

  await writeFile(join(dir, 'cli.yaml'), PLAIN);
  const enc = await kmsw(['sops', 'encrypt', 'cli.yaml', '--kms', arn, '-o', 'cli.enc.yaml'], dir, env);
  assert.equal(enc.status, 0, enc.stderr);
  const second = await openLocal();
  t.after(() => second.close());
  const byCli = await readFile(join(dir, 'cli.enc.yaml'), 'utf8');
  assert.equal((await withSopsEnvironment(ctxOf(second.connection), (e) => decryptSops(byCli, 'yaml', e))).plaintext, PLAIN);
});

test('through kmsw serve with the AWS SDK: a file the extension encrypts decrypts with kmsw sops --endpoint-url, and back', async (t) => {
  const served = await serve(['--in-memory']);
  t.after(() => served.stop());
  const sdk = sdkClient(served.url);
  t.after(() => sdk.destroy());
  const arn = (await sdk.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  withEnv(t, awsEnv());
  const connection = new AwsConnection({ region: 'us-east-1', endpoint: served.url });
  t.after(() => connection.close());
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-sops-ext-serve-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const remote = ['--endpoint-url', served.url];

  await writeFile(join(dir, 'ext.enc.yaml'), await withSopsEnvironment(ctxOf(connection), (env) => encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn }]] }, env)));
  const dec = await kmsw(['sops', 'decrypt', 'ext.enc.yaml', ...remote], dir);
  assert.equal(dec.status, 0, dec.stderr);
  assert.equal(dec.stdout, PLAIN);

  await writeFile(join(dir, 'cli.yaml'), PLAIN);
  const enc = await kmsw(['sops', 'encrypt', 'cli.yaml', '--kms', arn, ...remote, '-o', 'cli.enc.yaml'], dir);
  assert.equal(enc.status, 0, enc.stderr);
  const byCli = await readFile(join(dir, 'cli.enc.yaml'), 'utf8');
  assert.equal((await withSopsEnvironment(ctxOf(connection), (env) => decryptSops(byCli, 'yaml', env))).plaintext, PLAIN);
});
