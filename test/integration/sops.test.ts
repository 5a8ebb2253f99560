/**
 * `kmsw sops` against the real local KMS (a keyring folder, in-process) and against a running
 * `kmsw serve` reached the way the real sops binary reaches it: the AWS SDK with
 * AWS_ENDPOINT_URL_KMS, making the same KMS calls sops makes (kms/keysource.go: Encrypt/Decrypt with
 * KeyId = the entry's ARN and its encryption context).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import type { CliIo } from '../../src-node/cli/command';
import { runCli } from '../../src-node/cli/run';
import { sopsCommand } from '../../src-node/cli/commands/sops';
import { openLocalKms } from '../../src-node/host';
import { kmsFromClient } from '../../src-node/files/kms-adapter';
import { decryptWithDataKey, encryptSops, readMetadata } from '../../src-core/sops/document';
import { STSClient } from '@aws-sdk/client-sts';
import { AssumedRoles, stsSessionName } from '../../src-node/sops-roles';
import { awsEnv, sdkClient, serve } from './serve';
import { SOPS_ROLE, startRoleFixture, startStsStub } from './sops-sts-stub';

let root: string;
let data: string;
let keyArn: string;
let otherArn: string;
let euArn: string;

const PLAIN = `# service settings
db:
    user: admin
    password: hunter2
    port: 5432
token_unencrypted: visible
`;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kmsw-sops-'));
  data = join(root, 'keyring');
  const kms = await openLocalKms({ dataDir: data, env: {} });
  const caller = kms.defaultCaller();
  const arnOf = async () => ((await kms.service.call('CreateKey', {}, caller)).output as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
  keyArn = await arnOf();
  otherArn = await arnOf();
  euArn = ((await kms.service.call('CreateKey', {}, kms.defaultCaller({ region: 'eu-west-1' }))).output as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
  await kms.close();
});
after(() => rm(root, { recursive: true, force: true }));

async function kmsw(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { KMSW_DATA_DIR: data }, cwd: root, isTTY: false, signal: new AbortController().signal };
  const status = await runCli(args, io, [sopsCommand]);
  return { status, stdout, stderr };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

test('encrypt, decrypt and rotate a YAML file with a local key', async () => {
  await writeFile(join(root, 'app.yaml'), PLAIN);
  const enc = await kmsw(['sops', 'encrypt', 'app.yaml', '--kms', keyArn, '--context', 'app=demo', '-o', 'app.enc.yaml']);
  assert.equal(enc.status, 0, enc.stderr);
  const encrypted = await readFile(join(root, 'app.enc.yaml'), 'utf8');
  assert.ok(!encrypted.includes('hunter2') && !encrypted.includes('service settings'));
  assert.match(encrypted, /^token_unencrypted: visible$/m);
  assert.match(encrypted, new RegExp(`- arn: ${keyArn}\\n {10}aws_profile: ""\\n {10}context:\\n {14}app: demo\\n`));
  const dec = await kmsw(['sops', 'decrypt', 'app.enc.yaml']);
  assert.equal(dec.status, 0, dec.stderr);
  assert.equal(dec.stdout, PLAIN);

  const rot = await kmsw(['sops', 'rotate', 'app.enc.yaml']);
  assert.equal(rot.status, 0, rot.stderr);
  const rotated = await readFile(join(root, 'app.enc.yaml'), 'utf8');
  assert.notEqual(readMetadata(rotated, 'yaml').keyGroups[0][0], readMetadata(encrypted, 'yaml').keyGroups[0][0]);
  assert.equal((await kmsw(['sops', 'decrypt', 'app.enc.yaml'])).stdout, PLAIN);
});

test('encrypt follows the nearest .sops.yaml creation rule; every format round-trips', async () => {
  const dir = join(root, 'project', 'config');
  await mkdir(dir, { recursive: true });
  await writeFile(join(root, 'project', '.sops.yaml'), `creation_rules:\n  - path_regex: config/.*\n    encrypted_regex: ^password$\n    kms: ${keyArn},${otherArn}\n`);
  const files: Array<[string, string]> = [
    ['db.yaml', PLAIN],
    ['db.json', '{\n\t"user": "admin",\n\t"password": "hunter2"\n}\n'],
    ['.env', 'user=admin\npassword=hunter2\n'],
    ['db.ini', '[db]\nuser = admin\npassword = hunter2\n'],
  ];
  for (const [name, plain] of files) {
    await writeFile(join(dir, name), plain);
    const format = name === '.env' ? 'dotenv' : name.split('.').pop()!;
    const enc = await kmsw(['sops', 'encrypt', join(dir, name), '-o', join(dir, `${name}.sops`), '--format', format]);
    assert.equal(enc.status, 0, `${name}: ${enc.stderr}`);
    const encrypted = await readFile(join(dir, `${name}.sops`), 'utf8');
    assert.ok(!encrypted.includes('hunter2'), name);
    assert.ok(encrypted.includes('admin'), `${name}: only password is encrypted (encrypted_regex)`);
    const meta = readMetadata(encrypted, format as 'yaml');
    assert.deepEqual(meta.keyGroups[0].map((k) => k.kind === 'kms' && k.entry.arn), [keyArn, otherArn]);
    const dec = await kmsw(['sops', 'decrypt', join(dir, `${name}.sops`), '--format', format]);
    assert.equal(dec.stdout, plain, `${name}: ${dec.stderr}`);
  }
  const none = await kmsw(['sops', 'encrypt', join(root, 'app.yaml')]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no KMS key: pass --kms ARN/);
});

test('a tampered file is refused with a clear error and nothing is written', async () => {
  await writeFile(join(root, 't.yaml'), PLAIN);
  assert.equal((await kmsw(['sops', 'encrypt', 't.yaml', '--kms', keyArn, '-o', 't.enc.yaml'])).status, 0);
  const encrypted = await readFile(join(root, 't.enc.yaml'), 'utf8');
  const user = /user: (ENC\[[^\]]*\])/.exec(encrypted)![1];
  const password = /password: (ENC\[[^\]]*\])/.exec(encrypted)![1];
  await writeFile(join(root, 't.enc.yaml'), encrypted.replace(user, '\u0000').replace(password, user).replace('\u0000', password));
  const dec = await kmsw(['sops', 'decrypt', 't.enc.yaml', '-o', 't.out.yaml']);
  assert.equal(dec.status, 1);
  assert.match(dec.stderr, /^InvalidCiphertextException: the value at "db.user" does not authenticate/);
  assert.equal(await exists(join(root, 't.out.yaml')), false);
});

test('kmsw serve as the KMS of sops: files written through AWS_ENDPOINT_URL_KMS read with kmsw sops --endpoint-url, and back', async (t) => {
  const served = await serve(['--in-memory']);
  t.after(() => served.stop());
  const { KeyMetadata } = await sdkClient(served.url).send(new CreateKeyCommand({}));
  const arn = KeyMetadata!.Arn!;
  const saved = { ...process.env };
  // What a sops user sets: credentials as for any AWS tool, and the KMS endpoint of kmsw serve.
  Object.assign(process.env, awsEnv(), { AWS_ENDPOINT_URL_KMS: served.url });
  t.after(() => {
    for (const k of [...Object.keys(awsEnv()), 'AWS_ENDPOINT_URL_KMS']) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  });
  // No endpoint option: the SDK finds kmsw serve through AWS_ENDPOINT_URL_KMS, as the sops binary's SDK does.
  const client = new KMSClient({ region: 'us-east-1', maxAttempts: 1 });
  t.after(() => client.destroy());
  const env = { kms: kmsFromClient(client), random: { bytes: (n: number) => new Uint8Array(randomBytes(n)) }, clock: { now: () => Date.now() } };
  const written = await encryptSops(PLAIN, 'yaml', { keyGroups: [[{ arn, context: { team: 'ops' } }]] }, env);
  await writeFile(join(root, 'remote.enc.yaml'), written);
  const dec = await kmsw(['sops', 'decrypt', 'remote.enc.yaml', '--endpoint-url', served.url, '--region', 'us-east-1']);
  assert.equal(dec.status, 0, dec.stderr);
  assert.equal(dec.stdout, PLAIN);

  await writeFile(join(root, 'remote.yaml'), PLAIN);
  const enc = await kmsw(['sops', 'encrypt', 'remote.yaml', '--kms', arn, '--endpoint-url', served.url, '--region', 'us-east-1', '-o', 'remote2.enc.yaml']);
  assert.equal(enc.status, 0, enc.stderr);
  const text = await readFile(join(root, 'remote2.enc.yaml'), 'utf8');
  // The data key comes back with sops's own Decrypt call: KeyId = the entry's ARN, its context.
  const entry = readMetadata(text, 'yaml').keyGroups[0][0];
  assert.equal(entry.kind, 'kms');
  if (entry.kind !== 'kms') return;
  const out = await client.send(new DecryptCommand({ KeyId: entry.entry.arn, CiphertextBlob: Buffer.from(entry.entry.enc, 'base64'), EncryptionContext: entry.entry.context }));
  assert.equal(decryptWithDataKey(text, 'yaml', out.Plaintext!, env).plaintext, PLAIN);
});

test('an entry with a role and a key in another Region: the local keyring calls the key in its ARN\'s Region and records the role', async () => {
  const dir = join(root, 'roles');
  await mkdir(dir, { recursive: true });
  const role = 'arn:aws:iam::111122223333:role/sops-ops';
  await writeFile(join(dir, '.sops.yaml'), `creation_rules:\n  - kms: ${euArn}+${role}\n`);
  await writeFile(join(dir, 'r.yaml'), PLAIN);
  const enc = await kmsw(['sops', 'encrypt', join(dir, 'r.yaml'), '-o', join(dir, 'r.enc.yaml')]);
  assert.equal(enc.status, 0, enc.stderr);
  const encrypted = await readFile(join(dir, 'r.enc.yaml'), 'utf8');
  assert.match(encrypted, new RegExp(`- arn: ${euArn}\\n(?: {10}.*\\n)* {10}role: ${role}\\n`));
  assert.ok(euArn.includes(':eu-west-1:'));
  const dec = await kmsw(['sops', 'decrypt', join(dir, 'r.enc.yaml')]);
  assert.equal(dec.status, 0, dec.stderr);
  assert.equal(dec.stdout, PLAIN);
});

test('through an endpoint, a key of another Region is called in its own Region', async (t) => {
  const served = await serve(['--in-memory']);
  t.after(() => served.stop());
  const eu = sdkClient(served.url, { region: 'eu-west-1' });
  t.after(() => eu.destroy());
  const arn = (await eu.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  const saved = { ...process.env };
  Object.assign(process.env, awsEnv());
  t.after(() => {
    for (const k of Object.keys(awsEnv())) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  });
  await writeFile(join(root, 'eu.yaml'), PLAIN);
  const remote = ['--endpoint-url', served.url, '--region', 'us-east-1'];
  const enc = await kmsw(['sops', 'encrypt', 'eu.yaml', '--kms', arn, ...remote, '-o', 'eu.enc.yaml']);
  assert.equal(enc.status, 0, enc.stderr);
  const dec = await kmsw(['sops', 'decrypt', 'eu.enc.yaml', ...remote]);
  assert.equal(dec.status, 0, dec.stderr);
  assert.equal(dec.stdout, PLAIN);

});

test('an entry with a role through an endpoint: sops\'s STS AssumeRole (session sops@host, the key\'s Region), the KMS calls signed with the role\'s credentials, assumed once per connection; a role STS refuses is named', async (t) => {
  const role = SOPS_ROLE;
  const denied = 'arn:aws:iam::111122223333:role/not-mine';
  const dir = join(root, 'sts');
  await mkdir(dir, { recursive: true });
  const { sts, served, arn } = await startRoleFixture(t, dir);
  const user = sdkClient(served.url, { accessKeyId: 'AKIDSOPSUSER', region: 'eu-west-1' });
  t.after(() => user.destroy());
  await assert.rejects(user.send(new CreateKeyCommand({})), { name: 'UnrecognizedClientException' });
  const env = { ...awsEnv('us-east-1', 'AKIDSOPSUSER'), AWS_ENDPOINT_URL_STS: sts.url };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  t.after(() => {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  });
  const remote = ['--endpoint-url', served.url];
  await writeFile(join(dir, '.sops.yaml'), `creation_rules:\n  - kms: ${arn}+${role}\n`);
  await writeFile(join(dir, 'app.yaml'), PLAIN);

  const enc = await kmsw(['sops', 'encrypt', join(dir, 'app.yaml'), ...remote, '-o', join(dir, 'app.enc.yaml')]);
  assert.equal(enc.status, 0, enc.stderr);
  const encrypted = await readFile(join(dir, 'app.enc.yaml'), 'utf8');
  assert.match(encrypted, new RegExp(`- arn: ${arn}\\n(?: {10}.*\\n)* {10}role: ${role}\\n`));
  const dec = await kmsw(['sops', 'decrypt', join(dir, 'app.enc.yaml'), ...remote]);
  assert.equal(dec.status, 0, dec.stderr);
  assert.equal(dec.stdout, PLAIN);
  // Rotate decrypts and encrypts through one connection: one more AssumeRole, not two.
  const rot = await kmsw(['sops', 'rotate', join(dir, 'app.enc.yaml'), ...remote]);
  assert.equal(rot.status, 0, rot.stderr);
  assert.deepEqual(sts.calls, Array(3).fill({ roleArn: role, sessionName: stsSessionName(), accessKeyId: 'AKIDSOPSUSER', region: 'eu-west-1' }));
  assert.match(stsSessionName(), /^sops@[a-zA-Z0-9=,.@-_]+$/);

  await writeFile(join(dir, 'denied.enc.yaml'), encrypted.replace(`role: ${role}`, `role: ${denied}`));
  const refused = await kmsw(['sops', 'decrypt', join(dir, 'denied.enc.yaml'), ...remote]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, new RegExp(`AccessDeniedException: cannot assume role ${denied} for its KMS key \\(STS AssumeRole: User: .* is not authorized to perform: sts:AssumeRole on resource: ${denied}\\)`));
  assert.equal(sts.calls.length, 4);
  assert.ok(!refused.stderr.includes('role-secret') && !refused.stderr.includes('stub-session-token'));
});

test('an assumed role\'s credentials are kept until five minutes before they expire, then assumed again; a failed AssumeRole is not kept', async (t) => {
  const role = 'arn:aws:iam::111122223333:role/sops-ops';
  const sts = await startStsStub({ [role]: { accessKeyId: 'ASIASOPSROLE', secretAccessKey: 'role-secret', lifetimeMs: 3_600_000 } });
  t.after(() => sts.close());
  let now = Date.now();
  const roles = new AssumedRoles((region) => new STSClient({ region, endpoint: sts.url, credentials: { accessKeyId: 'AKIDSOPSUSER', secretAccessKey: 'user-secret' }, maxAttempts: 1 }), () => now);
  const [a, b] = await Promise.all([roles.credentials(role, 'eu-west-1'), roles.credentials(role, 'eu-west-1')]);
  assert.equal(a, b);
  assert.equal(a.accessKeyId, 'ASIASOPSROLE');
  now += 54 * 60_000;
  assert.equal(await roles.credentials(role, 'eu-west-1'), a);
  assert.equal(sts.calls.length, 1);
  now += 2 * 60_000;
  assert.notEqual(await roles.credentials(role, 'eu-west-1'), a);
  assert.equal(sts.calls.length, 2);
  const denied = 'arn:aws:iam::111122223333:role/not-mine';
  for (let i = 0; i < 2; i++) await assert.rejects(roles.credentials(denied, 'eu-west-1'), { name: 'AccessDeniedException' });
  assert.equal(sts.calls.length, 4);
});

test('the STS session name is sops@ and the hostname without the characters sops drops, at most 64 characters', () => {
  assert.equal(stsSessionName('build-01.example.com'), 'sops@build01.example.com');
  assert.equal(stsSessionName('Dev Box_[2]'), 'sops@DevBox_[2]');
  assert.equal(stsSessionName('h'.repeat(80)), `sops@${'h'.repeat(59)}`);
});
