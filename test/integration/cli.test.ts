/**
 * The `kmsw` CLI as a user runs it: help for every command, usage errors that say what to do, the
 * keyring commands on a data folder, and the simulated clock shared with a running `kmsw serve`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { commands } from '../../src-node/cli/commands/index';
import { kmsw, raw, sdkClient, serve } from './serve';

const root = mkdtempSync(join(tmpdir(), 'kmsw-cli-'));
let folders = 0;
const folder = () => join(root, `data-${++folders}`);
after(() => rmSync(root, { recursive: true, force: true }));

test('kmsw --help lists every command of the table and each command has its own help', () => {
  const overview = kmsw(['--help']);
  assert.equal(overview.status, 0);
  for (const command of commands) {
    assert.match(overview.stdout, new RegExp(`^  ${command.name}\\s+${command.summary.replace(/[()]/g, '\\$&')}$`, 'm'));
    const help = kmsw([...command.name.split(' '), '--help']);
    assert.equal(help.status, 0, command.name);
    assert.equal(help.stdout, `${command.help}\n`);
  }
});

test('an unknown command or option exits 2 and says what to do', () => {
  const unknown = kmsw(['frobnicate']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"\. Run 'kmsw --help'/);
  const flag = kmsw(['list-keys', '--colour']);
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /kmsw list-keys: unknown option --colour\nRun 'kmsw list-keys --help' for usage\./);
  const duration = kmsw(['clock', 'advance', 'soon', '--data', folder()]);
  assert.equal(duration.status, 2);
  assert.match(duration.stderr, /DURATION is a number and a unit \(d, h, m, s\), e\.g\. 30d/);
  assert.equal(kmsw(['serve', '--in-memory', '--data', folder()]).status, 2);
});

test('create-key and list-keys work on a data folder', () => {
  const data = folder();
  const created = kmsw(['create-key', '--data', data, '--description', 'invoices', '--alias', 'alias/invoices', '--tag', 'team=billing']);
  assert.equal(created.status, 0, created.stderr);
  const keyId = /^KeyId {2}(\S+)$/m.exec(created.stdout)![1];
  assert.match(created.stdout, new RegExp(`^Arn {4}arn:aws:kms:us-east-1:123456789012:key/${keyId}$`, 'm'));
  assert.match(created.stdout, /^Alias {2}alias\/invoices$/m);
  const signing = kmsw(['create-key', '--spec', 'ECC_NIST_P256', '--usage', 'SIGN_VERIFY'], { KMSW_DATA_DIR: data });
  assert.equal(signing.status, 0, signing.stderr);

  const listed = kmsw(['list-keys', '--json', '--data', data]);
  assert.equal(listed.status, 0, listed.stderr);
  const keys = JSON.parse(listed.stdout) as { KeyId: string; KeySpec: string; Description: string; Aliases: string[] }[];
  assert.equal(keys.length, 2);
  const invoices = keys.find((k) => k.KeyId === keyId)!;
  assert.equal(invoices.Description, 'invoices');
  assert.deepEqual(invoices.Aliases, ['alias/invoices']);
  assert.ok(keys.some((k) => k.KeySpec === 'ECC_NIST_P256'));

  const table = kmsw(['list-keys', '--data', data]);
  assert.match(table.stdout, /^KEY ID\s+STATE\s+SPEC\s+USAGE\s+ALIASES\s+DESCRIPTION$/m);
  assert.match(table.stdout, new RegExp(`^${keyId}\\s+Enabled\\s+SYMMETRIC_DEFAULT\\s+ENCRYPT_DECRYPT\\s+alias/invoices\\s+invoices$`, 'm'));
});

test('KMS errors print as Name: message with exit 1, and a taken alias creates no key', () => {
  const data = folder();
  assert.equal(kmsw(['create-key', '--data', data, '--alias', 'alias/one']).status, 0);
  const taken = kmsw(['create-key', '--data', data, '--alias', 'alias/one']);
  assert.equal(taken.status, 1);
  assert.match(taken.stderr, /^AlreadyExistsException: The alias alias\/one already points to a key/m);
  const badSpec = kmsw(['create-key', '--data', data, '--spec', 'AES_999']);
  assert.equal(badSpec.status, 1);
  assert.match(badSpec.stderr, /^ValidationException: 1 validation error detected: Value 'AES_999' at 'keySpec'/m);
  assert.equal((JSON.parse(kmsw(['list-keys', '--json', '--data', data]).stdout) as unknown[]).length, 1);
});

test('a damaged keyring file stops keyring commands with a message naming it, and is left as it was', () => {
  const data = folder();
  assert.equal(kmsw(['create-key', '--data', data]).status, 0);
  const keyring = join(data, 'keyring.kmsw');
  writeFileSync(keyring, 'not a keyring');
  const r = kmsw(['list-keys', '--data', data]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^kmsw list-keys: .*${keyring.replace(/[.]/g, '\\.')}`, 'm'));
  assert.equal(readFileSync(keyring, 'utf8'), 'not a keyring');
});

test('clock advance on the folder of a running server completes a scheduled deletion', async () => {
  const data = folder();
  const server = await serve(['--data', data]);
  try {
    const kms = sdkClient(server.url);
    const created = kmsw(['create-key', '--data', data]);
    const keyId = /^KeyId {2}(\S+)$/m.exec(created.stdout)![1];
    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    assert.equal(scheduled.KeyState, 'PendingDeletion');

    const early = kmsw(['clock', 'advance', '6d23h', '--data', data]);
    assert.equal(early.status, 0, early.stderr);
    assert.match(early.stdout, /^keyring time \d{4}-\d{2}-\d{2}T[\d:.]+Z \(6d23h ahead of the wall clock\)$/m);
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingDeletion');

    assert.equal(kmsw(['clock', 'advance', '2h', '--data', data]).status, 0);
    await assert.rejects(kms.send(new DescribeKeyCommand({ KeyId: keyId })), NotFoundException);
    assert.match(kmsw(['clock', 'show', '--data', data]).stdout, /\(7d1h ahead of the wall clock\)/);

    const reset = await raw(server.url, { path: '/_reset' });
    assert.equal(reset.status, 400);
    assert.equal(reset.headers['x-amzn-errortype'], 'UnsupportedOperationException', 'a keyring in a folder is never wiped by a reset route');
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
  // The server's calls are in the folder's audit log with the HTTP caller's identity.
  const listed = kmsw(['audit', 'list', '--json', '--operation', 'ScheduleKeyDeletion', '--data', data]);
  assert.equal(listed.status, 0, listed.stderr);
  const [event] = JSON.parse(listed.stdout) as { userIdentity: { arn: string; accessKeyId?: string }; sourceIPAddress: string; userAgent: string; awsRegion: string }[];
  assert.equal(event.userIdentity.arn, 'arn:aws:iam::123456789012:root');
  assert.equal(event.userIdentity.accessKeyId, 'test');
  assert.equal(event.sourceIPAddress, '127.0.0.1');
  assert.match(event.userAgent, /aws-sdk-js/);
  assert.equal(event.awsRegion, 'us-east-1');
});

test('automatic rotation happens when kmsw clock advance passes the rotation period', async () => {
  const data = folder();
  const server = await serve(['--data', data]);
  try {
    const kms = sdkClient(server.url);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const KeyId = KeyMetadata!.KeyId!;
    await kms.send(new EnableKeyRotationCommand({ KeyId, RotationPeriodInDays: 90 }));
    const before = await kms.send(new EncryptCommand({ KeyId, Plaintext: new TextEncoder().encode('quarterly') }));
    assert.deepEqual((await kms.send(new ListKeyRotationsCommand({ KeyId }))).Rotations, []);

    assert.equal(kmsw(['clock', 'advance', '91d', '--data', data]).status, 0);
    const { Rotations } = await kms.send(new ListKeyRotationsCommand({ KeyId }));
    assert.equal(Rotations!.length, 1);
    assert.equal(Rotations![0].RotationType, 'AUTOMATIC');
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId }));
    assert.ok(status.NextRotationDate!.getTime() > Rotations![0].RotationDate!.getTime());
    const current = (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!.CurrentKeyMaterialId;
    assert.notEqual(current, KeyMetadata!.CurrentKeyMaterialId, 'the key has new current material');
    assert.equal(new TextDecoder().decode((await kms.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob }))).Plaintext), 'quarterly');
    kms.destroy();
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
});
