import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, REGION, createTestKms, rootCaller } from './harness';

async function newKey(kms: ReturnType<typeof createTestKms>, body: Record<string, unknown> = {}) {
  return (await kms.call('CreateKey', body)).KeyMetadata as { KeyId: string; Arn: string };
}

const aliasArn = (name: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:${name}`;

test('CreateAlias, UpdateAlias and DeleteAlias manage an alias, and ListAliases shows it', async () => {
  const kms = createTestKms();
  const a = await newKey(kms);
  const b = await newKey(kms);
  await kms.call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: a.Arn });
  let [entry] = (await kms.call('ListAliases', { KeyId: a.KeyId })).Aliases;
  assert.deepEqual(entry, { AliasName: 'alias/app', AliasArn: aliasArn('alias/app'), TargetKeyId: a.KeyId, CreationDate: Date.UTC(2026, 0, 1) / 1000, LastUpdatedDate: Date.UTC(2026, 0, 1) / 1000 });
  kms.clock.advance(1000);
  await kms.call('UpdateAlias', { AliasName: 'alias/app', TargetKeyId: b.KeyId });
  assert.deepEqual((await kms.call('ListAliases', { KeyId: a.KeyId })).Aliases, []);
  [entry] = (await kms.call('ListAliases', { KeyId: b.Arn })).Aliases;
  assert.equal(entry.TargetKeyId, b.KeyId);
  assert.equal(entry.LastUpdatedDate, Date.UTC(2026, 0, 1) / 1000 + 1);
  assert.equal((await kms.call('DescribeKey', { KeyId: 'alias/app' })).KeyMetadata.KeyId, b.KeyId);
  await kms.call('DeleteAlias', { AliasName: 'alias/app' });
  const e = await kms.fail('DeleteAlias', { AliasName: 'alias/app' });
  assert.deepEqual([e.name, e.message], ['NotFoundException', `Alias ${aliasArn('alias/app')} is not found.`]);
});

test('CreateAlias validates names, targets and uniqueness with AWS\'s errors', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  await kms.call('CreateAlias', { AliasName: 'alias/taken', TargetKeyId: key.KeyId });
  const cases: [Record<string, unknown>, string, string][] = [
    [{ AliasName: 'noprefix' }, 'ValidationException', 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html'],
    [{ AliasName: 'alias/Service:Test' }, 'ValidationException', 'alias/Service:Test contains invalid characters for an alias'],
    // AWS answers a reserved name with a bare NotAuthorizedException (no message), as moto and local-kms reproduce.
    [{ AliasName: 'alias/aws/mine' }, 'NotAuthorizedException', ''],
    [{ AliasName: 'alias/taken' }, 'AlreadyExistsException', `An alias with the name ${aliasArn('alias/taken')} already exists`],
    [{ AliasName: 'alias/x', TargetKeyId: 'alias/taken' }, 'NotFoundException', "Invalid keyId 'alias/taken'"],
  ];
  for (const [body, name, message] of cases) {
    const e = await kms.fail('CreateAlias', { TargetKeyId: key.KeyId, ...body });
    assert.deepEqual([e.name, e.message], [name, message], JSON.stringify(body));
  }
  await kms.call('ScheduleKeyDeletion', { KeyId: key.KeyId });
  const pending = await kms.fail('CreateAlias', { AliasName: 'alias/late', TargetKeyId: key.KeyId });
  assert.deepEqual([pending.name, pending.message], ['KMSInvalidStateException', `${key.Arn} is pending deletion.`]);
});

test('a key can have at most 50 aliases', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  for (let i = 0; i < 50; i++) await kms.call('CreateAlias', { AliasName: `alias/a${i}`, TargetKeyId: key.KeyId });
  assert.equal((await kms.fail('CreateAlias', { AliasName: 'alias/one-more', TargetKeyId: key.KeyId })).name, 'LimitExceededException');
});

test('UpdateAlias needs a destination of the same type that is not pending deletion; the source may be', async () => {
  const kms = createTestKms();
  const a = await newKey(kms);
  const hmac = await newKey(kms, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  const c = await newKey(kms);
  await kms.call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: a.KeyId });
  assert.equal((await kms.fail('UpdateAlias', { AliasName: 'alias/app', TargetKeyId: hmac.KeyId })).name, 'ValidationException');
  await kms.call('ScheduleKeyDeletion', { KeyId: c.KeyId });
  const e = await kms.fail('UpdateAlias', { AliasName: 'alias/app', TargetKeyId: c.KeyId });
  assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${c.Arn} is pending deletion.`]);
  await kms.call('ScheduleKeyDeletion', { KeyId: a.KeyId });
  const d = await newKey(kms);
  await kms.call('UpdateAlias', { AliasName: 'alias/app', TargetKeyId: d.KeyId });
  assert.equal((await kms.call('DescribeKey', { KeyId: 'alias/app' })).KeyMetadata.KeyId, d.KeyId);
  assert.equal((await kms.fail('UpdateAlias', { AliasName: 'alias/none', TargetKeyId: d.KeyId })).name, 'NotFoundException');
});

test('ListAliases includes the predefined AWS managed aliases, pages, and stays per account and Region', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  await kms.call('CreateAlias', { AliasName: 'alias/zeta', TargetKeyId: key.KeyId });
  await kms.call('CreateAlias', { AliasName: 'alias/alpha', TargetKeyId: key.KeyId });
  const managed = (await kms.call('DescribeKey', { KeyId: 'alias/aws/s3' })).KeyMetadata;
  const all = (await kms.call('ListAliases', { Limit: 100 })).Aliases as { AliasName: string; TargetKeyId?: string }[];
  const names = all.map((a) => a.AliasName);
  assert.deepEqual(names, [...names].sort());
  assert.ok(names.includes('alias/alpha') && names.includes('alias/zeta') && names.includes('alias/aws/ebs'));
  assert.equal(all.find((a) => a.AliasName === 'alias/aws/ebs')!.TargetKeyId, undefined);
  assert.equal(all.find((a) => a.AliasName === 'alias/aws/s3')!.TargetKeyId, managed.KeyId);
  const pages: string[] = [];
  let marker: string | undefined;
  do {
    const page = await kms.call('ListAliases', { Limit: 3, ...(marker ? { Marker: marker } : {}) });
    pages.push(...page.Aliases.map((a: { AliasName: string }) => a.AliasName));
    marker = page.NextMarker;
  } while (marker);
  assert.deepEqual(pages, names);
  assert.equal((await kms.fail('ListAliases', { Limit: 101 })).name, 'ValidationException');
  assert.equal((await kms.fail('ListAliases', { Marker: 'kmsw1:999' })).name, 'InvalidMarkerException');
  const elsewhere = (await kms.call('ListAliases', {}, rootCaller(ACCOUNT, 'eu-west-1'))).Aliases as { AliasName: string }[];
  assert.equal(elsewhere.some((a) => a.AliasName === 'alias/alpha'), false);
});
