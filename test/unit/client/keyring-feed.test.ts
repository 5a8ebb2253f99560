/** The language server's keyring feed, collected through real SDK clients on an in-memory local KMS. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAliasCommand, CreateKeyCommand, ScheduleKeyDeletionCommand, type KMSClient } from '@aws-sdk/client-kms';
import { collectKeyring } from '../../../client/language/keyringFeed';
import type { KmsConnection } from '../../../client/connections/connection';
import { openLocalKms } from '../../../src-node/host';
import { createLocalKmsClient } from '../../../src-node/local-client';

function connectionOver(client: KMSClient, id: string, region: string): KmsConnection {
  return { id, kind: 'local', label: `${id} label`, region, client: async () => client, close: async () => {} };
}

test('every key with its aliases, state and deletion date, and the account/Region listed', async () => {
  const kms = await openLocalKms({ inMemory: true, region: 'eu-west-1', accountId: '111122223333' });
  const client = createLocalKmsClient(kms);
  const a = (await client.send(new CreateKeyCommand({ Description: 'app data' }))).KeyMetadata!;
  const b = (await client.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
  await client.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: a.KeyId }));
  await client.send(new CreateAliasCommand({ AliasName: 'alias/app-2', TargetKeyId: a.KeyId }));
  const scheduled = await client.send(new ScheduleKeyDeletionCommand({ KeyId: b.KeyId, PendingWindowInDays: 7 }));

  const { params, failures } = await collectKeyring([connectionOver(client, 'local', 'eu-west-1')]);

  assert.deepEqual(failures, []);
  assert.deepEqual(params.scopes, [{ connection: 'local label', accountId: '111122223333', region: 'eu-west-1' }]);
  const byId = new Map(params.keys.map((k) => [k.keyId, k]));
  assert.deepEqual(byId.get(a.KeyId!), {
    keyId: a.KeyId, arn: a.Arn, aliases: ['alias/app', 'alias/app-2'], state: 'Enabled', spec: 'SYMMETRIC_DEFAULT',
    usage: 'ENCRYPT_DECRYPT', description: 'app data', accountId: '111122223333', region: 'eu-west-1', connection: 'local label',
  });
  const pending = byId.get(b.KeyId!)!;
  assert.equal(pending.state, 'PendingDeletion');
  assert.equal(pending.deletionDate, scheduled.DeletionDate!.toISOString());
  assert.equal(pending.spec, 'ECC_NIST_P256');
  await kms.close();
});

test('a connection that cannot be listed gives no keys and no scope; the others still do', async () => {
  const kms = await openLocalKms({ inMemory: true });
  const client = createLocalKmsClient(kms);
  await client.send(new CreateKeyCommand({}));
  const expired = new Error('The security token included in the request is expired');
  const broken: KmsConnection = { id: 'aws:prod', kind: 'aws', label: 'prod', region: 'us-east-1', client: async () => { throw expired; }, close: async () => {} };

  const { params, failures } = await collectKeyring([broken, connectionOver(client, 'local', 'us-east-1')]);

  assert.equal(failures.length, 1);
  assert.equal(failures[0].connection, broken);
  assert.equal(failures[0].error, expired);
  assert.equal(params.keys.length, 1);
  assert.deepEqual(params.scopes.map((s) => s.connection), ['local label']);
  await kms.close();
});

test('an empty keyring claims no scope, since KMS alone does not reveal its account', async () => {
  const kms = await openLocalKms({ inMemory: true });
  const { params } = await collectKeyring([connectionOver(createLocalKmsClient(kms), 'local', 'us-east-1')]);
  assert.deepEqual(params, { scopes: [], keys: [] });
  await kms.close();
});

test('a local keyring no one has written yet is not opened (nor created) by the feed', async () => {
  let opened = false;
  const unwritten: KmsConnection = {
    id: 'local', kind: 'local', label: 'Local keyring', region: 'us-east-1', hasKeys: () => false,
    client: async () => { opened = true; throw new Error('the feed must not open this keyring'); }, close: async () => {},
  };
  const { params, failures } = await collectKeyring([unwritten]);
  assert.equal(opened, false);
  assert.deepEqual(failures, []);
  assert.deepEqual(params, { scopes: [], keys: [] });
});

test('a key DescribeKey refuses is fed with its ID, ARN, aliases and the reason; the connection keeps its keys and scope', async () => {
  const kms = await openLocalKms({ inMemory: true, region: 'eu-west-1', accountId: '111122223333' });
  const client = createLocalKmsClient(kms);
  const open = (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
  // Root may give it an alias, nothing more: DescribeKey is denied, as a key policy can do on AWS.
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:CreateAlias', Resource: '*' }] });
  const locked = (await client.send(new CreateKeyCommand({ Policy: policy, BypassPolicyLockoutSafetyCheck: true }))).KeyMetadata!;
  await client.send(new CreateAliasCommand({ AliasName: 'alias/locked', TargetKeyId: locked.KeyId }));

  const { params, failures } = await collectKeyring([connectionOver(client, 'local', 'eu-west-1')]);

  assert.deepEqual(failures, []);
  assert.deepEqual(params.scopes, [{ connection: 'local label', accountId: '111122223333', region: 'eu-west-1' }]);
  assert.deepEqual(params.keys.map((k) => k.keyId).sort(), [open.KeyId, locked.KeyId].sort());
  const fed = params.keys.find((k) => k.keyId === locked.KeyId)!;
  assert.equal(fed.arn, locked.Arn);
  assert.deepEqual(fed.aliases, ['alias/locked']);
  assert.equal(fed.state, 'Unknown');
  assert.match(fed.unreadable ?? '', /^AccessDeniedException: /);
  await kms.close();
});
