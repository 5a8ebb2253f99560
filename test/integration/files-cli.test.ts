/**
 * `kmsw encrypt-file` / `decrypt-file` against the real local KMS (a keyring folder, in-process) and
 * against a running `kmsw serve`, with the AWS Encryption SDK's KMS keyring pointed at the same KMS
 * to prove the files are ordinary ESDK messages both ways.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import type { CliIo } from '../../src-node/cli/command';
import { runCli } from '../../src-node/cli/run';
import { decryptFileCommand } from '../../src-node/cli/commands/decrypt-file';
import { encryptFileCommand } from '../../src-node/cli/commands/encrypt-file';
import { openLocalKms } from '../../src-node/host';
import { createLocalKmsClient } from '../../src-node/local-client';
import { awsEnv, sdkClient, serve } from './serve';

const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
let root: string;
let data: string;
let keyArn: string;
let otherArn: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kmsw-files-cli-'));
  data = join(root, 'keyring');
  const kms = await openLocalKms({ dataDir: data, env: {} });
  const caller = kms.defaultCaller();
  const arnOf = async () => ((await kms.service.call('CreateKey', {}, caller)).output as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
  keyArn = await arnOf();
  otherArn = await arnOf();
  await kms.service.call('CreateAlias', { AliasName: 'alias/files', TargetKeyId: keyArn }, caller);
  await kms.close();
});
after(() => rm(root, { recursive: true, force: true }));

async function kmsw(args: string[], options: { tty?: boolean; signal?: AbortSignal } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { KMSW_DATA_DIR: data },
    cwd: root,
    isTTY: options.tty ?? false,
    signal: options.signal ?? new AbortController().signal,
  };
  const status = await runCli(args, io, [encryptFileCommand, decryptFileCommand]);
  return { status, stdout, stderr };
}

/** The ESDK's KMS keyring over an SDK client (its clientProvider wants generateDataKey/encrypt/decrypt methods). */
function esdkKeyring(client: KMSClient, generatorKeyId?: string): KmsKeyringNode {
  const kms = {
    generateDataKey: (input: object) => client.send(new GenerateDataKeyCommand(input as never)),
    encrypt: (input: object) => client.send(new EncryptCommand(input as never)),
    decrypt: (input: object) => client.send(new DecryptCommand(input as never)),
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const clientProvider = (() => kms) as any;
  return generatorKeyId ? new KmsKeyringNode({ generatorKeyId, clientProvider }) : new KmsKeyringNode({ discovery: true, clientProvider });
}

test('encrypt-file and decrypt-file round-trip through the local keyring, by alias, with context', async () => {
  const plain = join(root, 'report.bin');
  const bytes = randomBytes(300_000);
  await writeFile(plain, bytes);
  const enc = await kmsw(['encrypt-file', '--key', 'alias/files', '--context', 'team=red', '--context', 'eq=a=b', '--frame-size', '4096', 'report.bin']);
  assert.equal(enc.stderr, '');
  assert.equal(enc.status, 0);
  assert.match(enc.stdout, /^encrypted .*report\.bin -> .*report\.bin\.encrypted \(300000 bytes\)\n$/);
  await rm(plain);
  const dec = await kmsw(['decrypt-file', 'report.bin.encrypted', '--context', 'team=red', '--key', keyArn]);
  assert.equal(dec.status, 0, dec.stderr);
  assert.match(dec.stdout, /^decrypted .*report\.bin\.encrypted -> .*report\.bin \(300000 bytes\)\n$/);
  assert.deepEqual(await readFile(plain), bytes);
  const again = await kmsw(['decrypt-file', 'report.bin.encrypted']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^AlreadyExistsException: .*report\.bin already exists; pass --force/);
  assert.equal((await kmsw(['decrypt-file', 'report.bin.encrypted', '--force', '-o', join(root, 'copy.bin')])).status, 0);
  assert.deepEqual(await readFile(join(root, 'copy.bin')), bytes);
});

test('wrong context, wrong key and a damaged file fail with a clear message and write nothing', async () => {
  const dir = join(root, 'refusals');
  await mkdir(dir);
  await writeFile(join(dir, 'a'), 'alpha');
  assert.equal((await kmsw(['encrypt-file', '--key', keyArn, '--context', 'stage=prod', '--suite', 'ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384', join(dir, 'a')])).status, 0);
  const context = await kmsw(['decrypt-file', join(dir, 'a.encrypted'), '-o', join(dir, 'out'), '--context', 'stage=dev']);
  assert.equal(context.status, 1);
  assert.match(context.stderr, /required pair "stage"/);
  const key = await kmsw(['decrypt-file', join(dir, 'a.encrypted'), '-o', join(dir, 'out'), '--key', otherArn]);
  assert.equal(key.status, 1);
  assert.match(key.stderr, /not encrypted under any of the allowed keys/);
  const damaged = await readFile(join(dir, 'a.encrypted'));
  damaged[damaged.length - 30] ^= 1;
  await writeFile(join(dir, 'a.encrypted'), damaged);
  const tampered = await kmsw(['decrypt-file', join(dir, 'a.encrypted'), '-o', join(dir, 'out')]);
  assert.equal(tampered.status, 1);
  assert.match(tampered.stderr, /^InvalidCiphertextException: the message signature does not verify/);
  assert.deepEqual((await readdir(dir)).sort(), ['a', 'a.encrypted']);
});

test('"__proto__" as a --context key is bound to the file like any other key', async () => {
  const dir = join(root, 'proto-context');
  await mkdir(dir);
  await writeFile(join(dir, 'a'), 'alpha');
  assert.equal((await kmsw(['encrypt-file', '--key', keyArn, '--context', '__proto__=x', join(dir, 'a')])).status, 0);
  const wrong = await kmsw(['decrypt-file', join(dir, 'a.encrypted'), '-o', join(dir, 'out'), '--context', '__proto__=y']);
  assert.equal(wrong.status, 1, wrong.stderr);
  assert.match(wrong.stderr, /required pair "__proto__"/);
  const right = await kmsw(['decrypt-file', join(dir, 'a.encrypted'), '-o', join(dir, 'out'), '--context', '__proto__=x']);
  assert.equal(right.status, 0, right.stderr);
  assert.equal(await readFile(join(dir, 'out'), 'utf8'), 'alpha');
});

test('usage errors exit 2 and say what to do', async () => {
  for (const [args, message] of [
    [['encrypt-file', 'x'], /--key is required/],
    [['encrypt-file', '--key', 'k'], /input file or folder is missing/],
    [['encrypt-file', '--key', 'k', '--suite', 'AES256_GCM_IV12_TAG16', 'x'], /--suite takes/],
    [['encrypt-file', '--key', 'k', '--frame-size', '64k', 'x'], /--frame-size takes a whole number/],
    [['encrypt-file', '--key', 'k', '--context', 'novalue', 'x'], /--context takes key=value/],
    [['decrypt-file', '--key', 'alias/files', 'x'], /--key takes a key ARN on decrypt/],
    [['decrypt-file', '--endpoint-url', 'http://x:1', '--data', 'd', 'x'], /cannot go with --endpoint-url/],
  ] as const) {
    const r = await kmsw([...args]);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
});

test('folders: encrypted in place and decrypted into an output folder, one line per file, progress on a terminal', async () => {
  const dir = join(root, 'tree');
  await mkdir(join(dir, 'sub'), { recursive: true });
  await writeFile(join(dir, 'one.txt'), 'one');
  await writeFile(join(dir, 'sub', 'two.bin'), randomBytes(3 << 20));
  const enc = await kmsw(['encrypt-file', '--key', 'alias/files', dir], { tty: true });
  assert.equal(enc.status, 0, enc.stderr);
  assert.match(enc.stdout, /2 encrypted, 0 failed, 0 skipped\n$/);
  assert.match(enc.stderr, /encrypting \[2\/2\] two\.bin +100%/);
  const dec = await kmsw(['decrypt-file', dir, '-o', join(root, 'tree-out')]);
  assert.equal(dec.status, 0, dec.stderr);
  assert.match(dec.stdout, /skipped .*one\.txt: no \.encrypted suffix/);
  assert.match(dec.stdout, /2 decrypted, 0 failed, 2 skipped\n$/);
  assert.deepEqual(await readFile(join(root, 'tree-out', 'sub', 'two.bin')), await readFile(join(dir, 'sub', 'two.bin')));
});

test('the AWS Encryption SDK with a KMS keyring on the same local KMS reads our files, and we read its', async () => {
  const dir = join(root, 'sdk');
  await mkdir(dir);
  const bytes = randomBytes(200_000);
  await writeFile(join(dir, 'plain'), bytes);
  assert.equal((await kmsw(['encrypt-file', '--key', keyArn, join(dir, 'plain')])).status, 0);
  const kms = await openLocalKms({ dataDir: data, env: {} });
  try {
    const client = createLocalKmsClient(kms);
    await pipeline(createReadStream(join(dir, 'plain.encrypted')), esdk.decryptStream(esdkKeyring(client)), createWriteStream(join(dir, 'by-sdk')));
    assert.deepEqual(await readFile(join(dir, 'by-sdk')), bytes);
    await pipeline(createReadStream(join(dir, 'plain')), esdk.encryptStream(esdkKeyring(client, keyArn), { encryptionContext: { from: 'sdk' } }), createWriteStream(join(dir, 'sdk.encrypted')));
  } finally {
    await kms.close();
  }
  const dec = await kmsw(['decrypt-file', join(dir, 'sdk.encrypted'), '--context', 'from=sdk']);
  assert.equal(dec.status, 0, dec.stderr);
  assert.deepEqual(await readFile(join(dir, 'sdk')), bytes);
});

test('--endpoint-url: files through a running kmsw serve', async (t) => {
  const served = await serve(['--in-memory']);
  t.after(() => served.stop());
  const { KeyMetadata } = await sdkClient(served.url).send(new CreateKeyCommand({}));
  const saved = { ...process.env };
  // The SDK takes credentials from the process environment, as it does for any AWS CLI user.
  Object.assign(process.env, awsEnv());
  t.after(() => {
    for (const k of Object.keys(awsEnv())) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  });
  const dir = join(root, 'remote');
  await mkdir(dir);
  await writeFile(join(dir, 'plain'), 'over http');
  const enc = await kmsw(['encrypt-file', '--endpoint-url', served.url, '--region', 'us-east-1', '--key', KeyMetadata!.Arn!, join(dir, 'plain'), '-o', join(dir, 'x.encrypted')]);
  assert.equal(enc.status, 0, enc.stderr);
  const dec = await kmsw(['decrypt-file', '--endpoint-url', served.url, '--region', 'us-east-1', join(dir, 'x.encrypted')]);
  assert.equal(dec.status, 0, dec.stderr);
  assert.equal(await readFile(join(dir, 'x'), 'utf8'), 'over http');
});
