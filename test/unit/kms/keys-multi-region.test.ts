import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addImportedMaterial } from './key-fixtures';
import { ACCOUNT, REGION, createTestKms, rootCaller } from './harness';

const DAY = 24 * 60 * 60 * 1000;
const WEST = 'us-west-2';
const EU = 'eu-west-1';
const west = rootCaller(ACCOUNT, WEST);
const eu = rootCaller(ACCOUNT, EU);

async function primaryKey(kms: ReturnType<typeof createTestKms>, body: Record<string, unknown> = {}) {
  return (await kms.call('CreateKey', { MultiRegion: true, ...body })).KeyMetadata as { KeyId: string; Arn: string };
}

async function stored(kms: ReturnType<typeof createTestKms>, keyId: string, region: string) {
  return (await kms.store.read()).regions[`${ACCOUNT}/${region}`]?.keys[keyId];
}

test('ReplicateKey makes a Creating replica with the same key ID and material, then it becomes Enabled', async () => {
  const kms = createTestKms();
  const primary = await primaryKey(kms, { Description: 'p' });
  const out = await kms.call('ReplicateKey', { KeyId: primary.Arn, ReplicaRegion: WEST, Description: 'r', Tags: [{ TagKey: 'site', TagValue: 'west' }] });
  const replicaArn = `arn:aws:kms:${WEST}:${ACCOUNT}:key/${primary.KeyId}`;
  const m = out.ReplicaKeyMetadata;
  assert.deepEqual([m.Arn, m.KeyState, m.Enabled, m.Description, m.MultiRegion], [replicaArn, 'Creating', false, 'r', true]);
  assert.deepEqual(m.MultiRegionConfiguration, { MultiRegionKeyType: 'REPLICA', PrimaryKey: { Arn: primary.Arn, Region: REGION }, ReplicaKeys: [{ Arn: replicaArn, Region: WEST }] });
  assert.deepEqual(JSON.parse(out.ReplicaPolicy).Statement[0].Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
  assert.deepEqual(out.ReplicaTags, [{ TagKey: 'site', TagValue: 'west' }]);
  const creating = await kms.fail('EnableKey', { KeyId: primary.KeyId }, west);
  assert.deepEqual([creating.name, creating.message], ['KMSInvalidStateException', `${replicaArn} is creating.`]);
  kms.clock.advance(1000);
  const replica = (await kms.call('DescribeKey', { KeyId: primary.KeyId }, west)).KeyMetadata;
  assert.equal(replica.KeyState, 'Enabled');
  const p = (await kms.call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata;
  assert.deepEqual(p.MultiRegionConfiguration.ReplicaKeys, [{ Arn: replicaArn, Region: WEST }]);
  assert.equal(p.Description, 'p');
  assert.equal(replica.CurrentKeyMaterialId, p.CurrentKeyMaterialId);
  assert.deepEqual((await stored(kms, primary.KeyId, WEST)).materials, (await stored(kms, primary.KeyId, REGION)).materials);
});

test('ReplicateKey refuses non-primary keys, existing replicas and a Region of another partition', async () => {
  const kms = createTestKms();
  const single = (await kms.call('CreateKey', {})).KeyMetadata;
  const primary = await primaryKey(kms);
  await kms.call('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: WEST });
  kms.clock.advance(1000);
  const cases: [Record<string, unknown>, string, string, string?][] = [
    [{ KeyId: single.KeyId, ReplicaRegion: WEST }, 'UnsupportedOperationException', `${single.Arn} is not a multi-region key.`],
    [{ KeyId: primary.KeyId, ReplicaRegion: WEST }, 'AlreadyExistsException', `Replica key arn:aws:kms:${WEST}:${ACCOUNT}:key/${primary.KeyId} already exists.`],
    [{ KeyId: primary.KeyId, ReplicaRegion: 'cn-north-1' }, 'ValidationException', `Region cn-north-1 is not in the partition of ${primary.Arn}; multi-Region keys stay within one partition.`],
    [{ KeyId: primary.KeyId, ReplicaRegion: REGION }, 'ValidationException', `${primary.Arn} is already in ${REGION}; choose another ReplicaRegion.`],
    [{ KeyId: primary.KeyId, ReplicaRegion: 'moon' }, 'ValidationException', "1 validation error detected: Value 'moon' at 'replicaRegion' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$"],
  ];
  for (const [body, name, message] of cases) {
    const e = await kms.fail('ReplicateKey', body);
    assert.deepEqual([e.name, e.message], [name, message]);
  }
  const fromReplica = await kms.fail('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: EU }, west);
  assert.deepEqual([fromReplica.name, fromReplica.message], ['UnsupportedOperationException', `arn:aws:kms:${WEST}:${ACCOUNT}:key/${primary.KeyId} is not a multi-region primary key.`]);
  await kms.call('DisableKey', { KeyId: primary.KeyId });
  assert.equal((await kms.fail('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: EU })).name, 'DisabledException');
});

test('rotation of the primary reaches its replicas; rotation is set on the primary only', async () => {
  const kms = createTestKms();
  const primary = await primaryKey(kms);
  await kms.call('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: WEST });
  kms.clock.advance(1000);
  assert.equal((await kms.fail('EnableKeyRotation', { KeyId: primary.KeyId }, west)).name, 'UnsupportedOperationException');
  await kms.call('EnableKeyRotation', { KeyId: primary.KeyId, RotationPeriodInDays: 90 });
  assert.equal((await kms.call('GetKeyRotationStatus', { KeyId: primary.KeyId }, west)).RotationPeriodInDays, 90);
  await kms.call('RotateKeyOnDemand', { KeyId: primary.KeyId });
  kms.clock.advance(90 * DAY);
  const p = (await kms.call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata;
  const r = (await kms.call('DescribeKey', { KeyId: primary.KeyId }, west)).KeyMetadata;
  assert.equal(r.CurrentKeyMaterialId, p.CurrentKeyMaterialId);
  const replicaMaterials = (await stored(kms, primary.KeyId, WEST)).materials;
  assert.equal(replicaMaterials.length, 3);
  assert.deepEqual(replicaMaterials, (await stored(kms, primary.KeyId, REGION)).materials);
});

test('UpdatePrimaryRegion swaps roles; both keys are Updating for a moment', async () => {
  const kms = createTestKms();
  const primary = await primaryKey(kms);
  await kms.call('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: WEST });
  await kms.call('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: EU });
  kms.clock.advance(1000);
  assert.equal((await kms.fail('UpdatePrimaryRegion', { KeyId: primary.KeyId, PrimaryRegion: 'ap-south-1' })).name, 'NotFoundException');
  assert.equal((await kms.fail('UpdatePrimaryRegion', { KeyId: primary.KeyId, PrimaryRegion: REGION }, west)).name, 'UnsupportedOperationException');
  await kms.call('UpdatePrimaryRegion', { KeyId: primary.KeyId, PrimaryRegion: REGION });
  assert.equal((await kms.call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata.KeyState, 'Enabled');
  await kms.call('UpdatePrimaryRegion', { KeyId: primary.Arn, PrimaryRegion: WEST });
  assert.equal((await kms.call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata.KeyState, 'Updating');
  kms.clock.advance(1000);
  const westArn = `arn:aws:kms:${WEST}:${ACCOUNT}:key/${primary.KeyId}`;
  const config = (await kms.call('DescribeKey', { KeyId: primary.KeyId }, eu)).KeyMetadata.MultiRegionConfiguration;
  assert.deepEqual(config, {
    MultiRegionKeyType: 'REPLICA', PrimaryKey: { Arn: westArn, Region: WEST },
    ReplicaKeys: [{ Arn: `arn:aws:kms:${EU}:${ACCOUNT}:key/${primary.KeyId}`, Region: EU }, { Arn: primary.Arn, Region: REGION }],
  });
  const old = (await kms.call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata;
  assert.deepEqual([old.KeyState, old.MultiRegionConfiguration.MultiRegionKeyType], ['Enabled', 'REPLICA']);
  assert.equal((await kms.call('DescribeKey', { KeyId: primary.KeyId }, west)).KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType, 'PRIMARY');
});

test('deleting a primary waits in PendingReplicaDeletion until its last replica is deleted', async () => {
  const kms = createTestKms();
  const primary = await primaryKey(kms);
  await kms.call('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: WEST });
  kms.clock.advance(1000);
  const scheduled = await kms.call('ScheduleKeyDeletion', { KeyId: primary.KeyId, PendingWindowInDays: 7 });
  assert.deepEqual(scheduled, { KeyId: primary.Arn, KeyState: 'PendingReplicaDeletion', PendingWindowInDays: 7 });
  let m = (await kms.call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata;
  assert.deepEqual([m.KeyState, m.PendingDeletionWindowInDays, m.DeletionDate], ['PendingReplicaDeletion', 7, undefined]);
  const encryptLike = await kms.fail('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: EU });
  assert.deepEqual([encryptLike.name, encryptLike.message], ['KMSInvalidStateException', `${primary.Arn} is pending deletion.`]);
  await kms.call('ScheduleKeyDeletion', { KeyId: primary.KeyId, PendingWindowInDays: 10 }, west);
  kms.clock.advance(10 * DAY);
  assert.equal((await kms.fail('DescribeKey', { KeyId: primary.KeyId }, west)).name, 'NotFoundException');
  m = (await kms.call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata;
  assert.equal(m.KeyState, 'PendingDeletion');
  assert.deepEqual(m.MultiRegionConfiguration.ReplicaKeys, []);
  kms.clock.advance(7 * DAY);
  assert.equal((await kms.fail('DescribeKey', { KeyId: primary.KeyId })).name, 'NotFoundException');
});

test('a replica of an imported multi-Region key waits for the same material to be imported into it', async () => {
  const kms = createTestKms();
  const primary = await primaryKey(kms, { Origin: 'EXTERNAL' });
  await addImportedMaterial(kms, primary.KeyId, { tag: 'd' });
  await kms.call('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: WEST });
  kms.clock.advance(1000);
  const replica = (await kms.call('DescribeKey', { KeyId: primary.KeyId }, west)).KeyMetadata;
  assert.deepEqual([replica.KeyState, replica.Origin, replica.CurrentKeyMaterialId], ['PendingImport', 'EXTERNAL', undefined]);
  const [material] = (await stored(kms, primary.KeyId, WEST)).materials;
  assert.deepEqual([material.id, material.secret, material.import?.importState, material.import?.fingerprint], ['d'.repeat(64), undefined, 'PENDING_IMPORT', 'fingerprint-d']);
  assert.equal((await stored(kms, primary.KeyId, REGION)).materials[0].secret, Buffer.alloc(32, 0xd).toString('base64'));
});
