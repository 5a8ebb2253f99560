/**
 * Realistic sessions against the real `kmsw serve`, driven by @aws-sdk/client-kms over HTTP: what a
 * developer's code or test suite does with a KMS, checked end to end.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  MalformedPolicyDocumentException,
  NotFoundException,
  paginateListKeys,
  PutKeyPolicyCommand,
  RetireGrantCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { raw, sdkClient, serve, type Served } from './serve';

let server: Served;
before(async () => {
  server = await serve(['--in-memory']);
});
afterEach(async () => {
  await raw(server.url, { path: '/_reset' });
});
after(async () => {
  await server?.stop();
});

test('key lifecycle: create with tags, describe by ID, ARN and alias, list with pagination', async () => {
  const kms = sdkClient(server.url);
  const { KeyMetadata: key } = await kms.send(new CreateKeyCommand({ Description: 'billing', Tags: [{ TagKey: 'team', TagValue: 'payments' }] }));
  assert.equal(key!.KeyState, 'Enabled');
  assert.equal(key!.KeySpec, 'SYMMETRIC_DEFAULT');
  assert.equal(key!.KeyUsage, 'ENCRYPT_DECRYPT');
  assert.equal(key!.AWSAccountId, '123456789012');
  assert.match(key!.Arn!, /^arn:aws:kms:us-east-1:123456789012:key\//);
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/billing', TargetKeyId: key!.KeyId }));
  for (const id of [key!.KeyId!, key!.Arn!, 'alias/billing', 'arn:aws:kms:us-east-1:123456789012:alias/billing']) {
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.KeyId, key!.KeyId, id);
  }
  for (let i = 0; i < 4; i++) await kms.send(new CreateKeyCommand({}));
  const seen: string[] = [];
  for await (const page of paginateListKeys({ client: kms, pageSize: 2 }, {})) seen.push(...page.Keys!.map((k) => k.KeyId!));
  assert.equal(seen.length, 5);
  assert.equal(new Set(seen).size, 5);
  assert.ok(seen.includes(key!.KeyId!));
});

test('aliases: one key per alias, several aliases per key, repointing and deleting', async () => {
  const kms = sdkClient(server.url);
  const a = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  const b = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: a.KeyId }));
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/app-old', TargetKeyId: a.KeyId }));
  await assert.rejects(kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: b.KeyId })), AlreadyExistsException);
  await kms.send(new UpdateAliasCommand({ AliasName: 'alias/app', TargetKeyId: b.KeyId }));
  assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/app' }))).KeyMetadata!.KeyId, b.KeyId);
  const forA = (await kms.send(new ListAliasesCommand({ KeyId: a.KeyId }))).Aliases!.map((x) => x.AliasName);
  assert.deepEqual(forA, ['alias/app-old']);
  await kms.send(new DeleteAliasCommand({ AliasName: 'alias/app-old' }));
  await assert.rejects(kms.send(new DescribeKeyCommand({ KeyId: 'alias/app-old' })), (e: unknown) => e instanceof NotFoundException && /alias\/app-old/.test(e.message));
});

test('tags are added, overwritten and removed', async () => {
  const kms = sdkClient(server.url);
  const { KeyId } = (await kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'env', TagValue: 'dev' }] }))).KeyMetadata!;
  await kms.send(new TagResourceCommand({ KeyId, Tags: [{ TagKey: 'env', TagValue: 'prod' }, { TagKey: 'owner', TagValue: 'ana' }] }));
  await kms.send(new UntagResourceCommand({ KeyId, TagKeys: ['owner', 'never-there'] }));
  assert.deepEqual((await kms.send(new ListResourceTagsCommand({ KeyId }))).Tags, [{ TagKey: 'env', TagValue: 'prod' }]);
});

test('key policies: the default policy, a replacement, and the lockout safety check', async () => {
  const kms = sdkClient(server.url);
  const { KeyId } = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  const initial = JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId, PolicyName: 'default' }))).Policy!);
  assert.equal(initial.Statement[0].Principal.AWS, 'arn:aws:iam::123456789012:root');
  const lockout = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/someone-else' }, Action: 'kms:Encrypt', Resource: '*' }] };
  await assert.rejects(kms.send(new PutKeyPolicyCommand({ KeyId, PolicyName: 'default', Policy: JSON.stringify(lockout) })), MalformedPolicyDocumentException);
  const ok = { Version: '2012-10-17', Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }] };
  await kms.send(new PutKeyPolicyCommand({ KeyId, PolicyName: 'default', Policy: JSON.stringify(ok) }));
  assert.deepEqual(JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId }))).Policy!), ok);
});

test('grants are created, listed and retired', async () => {
  const kms = sdkClient(server.url);
  const { KeyId } = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  const grantee = 'arn:aws:iam::123456789012:role/app';
  const { GrantId, GrantToken } = await kms.send(new CreateGrantCommand({ KeyId, GranteePrincipal: grantee, Operations: ['Encrypt', 'Decrypt'] }));
  assert.match(GrantId!, /^[0-9a-f]{64}$/);
  assert.ok(GrantToken);
  const { Grants } = await kms.send(new ListGrantsCommand({ KeyId }));
  assert.equal(Grants!.length, 1);
  assert.equal(Grants![0].GranteePrincipal, grantee);
  assert.deepEqual([...Grants![0].Operations!].sort(), ['Decrypt', 'Encrypt']);
  await kms.send(new RetireGrantCommand({ GrantToken }));
  assert.deepEqual((await kms.send(new ListGrantsCommand({ KeyId }))).Grants, []);
});

test('a 12-digit access key ID selects its account and the credential scope selects the Region', async () => {
  const mine = sdkClient(server.url);
  const theirs = sdkClient(server.url, { accessKeyId: '444455556666', region: 'eu-west-1' });
  const key = (await theirs.send(new CreateKeyCommand({}))).KeyMetadata!;
  assert.equal(key.AWSAccountId, '444455556666');
  assert.match(key.Arn!, /^arn:aws:kms:eu-west-1:444455556666:key\//);
  assert.deepEqual((await mine.send(new ListKeysCommand({}))).Keys, []);
  assert.deepEqual((await sdkClient(server.url, { accessKeyId: '444455556666' }).send(new ListKeysCommand({}))).Keys, [], 'keys live in their Region');
  assert.equal((await theirs.send(new ListKeysCommand({}))).Keys!.length, 1);
});
