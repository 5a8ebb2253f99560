import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addImportedMaterial } from './key-fixtures';
import { ACCOUNT, REGION, createTestKms, rootCaller } from './harness';

const DAY = 24 * 60 * 60 * 1000;
const START = Date.UTC(2026, 0, 1);

async function newKey(kms: ReturnType<typeof createTestKms>, body: Record<string, unknown> = {}) {
  return (await kms.call('CreateKey', body)).KeyMetadata as { KeyId: string; Arn: string };
}

async function materials(kms: ReturnType<typeof createTestKms>, keyId: string, region = REGION) {
  return (await kms.store.read()).regions[`${ACCOUNT}/${region}`].keys[keyId].materials;
}

test('EnableKeyRotation sets the period (default 365 days) and GetKeyRotationStatus reports it', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  assert.deepEqual(await kms.call('GetKeyRotationStatus', { KeyId: key.KeyId }), { KeyId: key.Arn, KeyRotationEnabled: false });
  await kms.call('EnableKeyRotation', { KeyId: key.KeyId });
  assert.deepEqual(await kms.call('GetKeyRotationStatus', { KeyId: key.Arn }), {
    KeyId: key.Arn, KeyRotationEnabled: true, RotationPeriodInDays: 365, NextRotationDate: (START + 365 * DAY) / 1000,
  });
  await kms.call('EnableKeyRotation', { KeyId: key.KeyId, RotationPeriodInDays: 90 });
  assert.equal((await kms.call('GetKeyRotationStatus', { KeyId: key.KeyId })).NextRotationDate, (START + 90 * DAY) / 1000);
  for (const days of [89, 2561]) assert.equal((await kms.fail('EnableKeyRotation', { KeyId: key.KeyId, RotationPeriodInDays: days })).name, 'ValidationException');
  await kms.call('DisableKeyRotation', { KeyId: key.KeyId });
  assert.deepEqual(await kms.call('GetKeyRotationStatus', { KeyId: key.KeyId }), { KeyId: key.Arn, KeyRotationEnabled: false });
});

test('automatic rotation is not for asymmetric, HMAC, imported or custom-store keys, nor disabled keys', async () => {
  const kms = createTestKms();
  const rsa = await newKey(kms, { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
  const hmac = await newKey(kms, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  const external = await newKey(kms, { Origin: 'EXTERNAL' });
  for (const key of [rsa, hmac]) {
    assert.equal((await kms.fail('EnableKeyRotation', { KeyId: key.KeyId })).name, 'UnsupportedOperationException');
    assert.equal((await kms.fail('GetKeyRotationStatus', { KeyId: key.KeyId })).name, 'UnsupportedOperationException');
    const e = await kms.fail('RotateKeyOnDemand', { KeyId: key.KeyId });
    assert.deepEqual([e.name, e.message], ['UnsupportedOperationException', '']);
  }
  const e = await kms.fail('EnableKeyRotation', { KeyId: external.KeyId });
  assert.deepEqual([e.name, e.message], ['UnsupportedOperationException', `${external.Arn} origin is EXTERNAL which is not valid for this operation.`]);
  const sym = await newKey(kms);
  await kms.call('DisableKey', { KeyId: sym.KeyId });
  const disabled = await kms.fail('EnableKeyRotation', { KeyId: sym.KeyId });
  assert.deepEqual([disabled.name, disabled.message], ['DisabledException', `${sym.Arn} is disabled.`]);
  assert.equal((await kms.fail('EnableKeyRotation', { KeyId: 'alias/aws/s3' })).name, 'NotFoundException');
});

test('the clock passing the rotation date rotates: new CURRENT material, old kept NON_CURRENT', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  const original = (await kms.call('DescribeKey', { KeyId: key.KeyId })).KeyMetadata.CurrentKeyMaterialId;
  await kms.call('EnableKeyRotation', { KeyId: key.KeyId, RotationPeriodInDays: 90 });
  kms.clock.advance(90 * DAY - 1);
  assert.equal((await kms.call('DescribeKey', { KeyId: key.KeyId })).KeyMetadata.CurrentKeyMaterialId, original);
  kms.clock.advance(1);
  const rotated = (await kms.call('DescribeKey', { KeyId: key.KeyId })).KeyMetadata.CurrentKeyMaterialId;
  assert.notEqual(rotated, original);
  assert.equal((await kms.call('GetKeyRotationStatus', { KeyId: key.KeyId })).NextRotationDate, (START + 180 * DAY) / 1000);
  const all = await kms.call('ListKeyRotations', { KeyId: key.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' });
  assert.deepEqual(all.Rotations.map((r: Record<string, unknown>) => [r.KeyMaterialId, r.KeyMaterialState, r.RotationType]), [
    [original, 'NON_CURRENT', undefined],
    [rotated, 'CURRENT', 'AUTOMATIC'],
  ]);
  const only = await kms.call('ListKeyRotations', { KeyId: key.KeyId });
  assert.deepEqual(only.Rotations, [{ KeyId: key.Arn, KeyMaterialId: rotated, KeyMaterialState: 'CURRENT', RotationDate: (START + 90 * DAY) / 1000, RotationType: 'AUTOMATIC' }]);
  const secrets = (await materials(kms, key.KeyId)).map((m) => m.secret);
  assert.equal(secrets.length, 2);
  assert.notEqual(secrets[0], secrets[1]);
});

test('a long clock jump catches up every missed rotation; a disabled key does not rotate until re-enabled', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  await kms.call('EnableKeyRotation', { KeyId: key.KeyId, RotationPeriodInDays: 100 });
  await kms.service.advanceClock(350 * DAY, rootCaller());
  assert.equal((await materials(kms, key.KeyId)).length, 4);
  await kms.call('DisableKey', { KeyId: key.KeyId });
  kms.clock.advance(500 * DAY);
  assert.equal((await kms.call('DescribeKey', { KeyId: key.KeyId })).KeyMetadata.KeyState, 'Disabled');
  assert.equal((await materials(kms, key.KeyId)).length, 4);
  await kms.call('EnableKey', { KeyId: key.KeyId });
  assert.equal((await materials(kms, key.KeyId)).length, 5);
  const now = (await kms.service.now());
  assert.equal((await kms.call('GetKeyRotationStatus', { KeyId: key.KeyId })).NextRotationDate, (now + 100 * DAY) / 1000);
});

test('rotation reads as off while the key is pending deletion and comes back on cancel', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  await kms.call('EnableKeyRotation', { KeyId: key.KeyId });
  await kms.call('ScheduleKeyDeletion', { KeyId: key.KeyId });
  assert.equal((await kms.call('GetKeyRotationStatus', { KeyId: key.KeyId })).KeyRotationEnabled, false);
  await kms.call('CancelKeyDeletion', { KeyId: key.KeyId });
  assert.equal((await kms.call('GetKeyRotationStatus', { KeyId: key.KeyId })).KeyRotationEnabled, true);
});

test('RotateKeyOnDemand rotates now, at most 25 times per key, and not when an automatic rotation is imminent', async () => {
  const kms = createTestKms();
  const key = await newKey(kms);
  assert.deepEqual(await kms.call('RotateKeyOnDemand', { KeyId: key.KeyId }), { KeyId: key.Arn });
  const [entry] = (await kms.call('ListKeyRotations', { KeyId: key.KeyId })).Rotations;
  assert.deepEqual([entry.RotationType, entry.KeyMaterialState, entry.RotationDate], ['ON_DEMAND', 'CURRENT', START / 1000]);
  for (let i = 1; i < 25; i++) await kms.call('RotateKeyOnDemand', { KeyId: key.KeyId });
  const e = await kms.fail('RotateKeyOnDemand', { KeyId: key.KeyId });
  assert.deepEqual([e.name, e.message], ['LimitExceededException', `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.Arn}`]);
  const page = await kms.call('ListKeyRotations', { KeyId: key.KeyId, Limit: 10 });
  assert.deepEqual([page.Rotations.length, page.Truncated], [10, true]);
  const rest = await kms.call('ListKeyRotations', { KeyId: key.KeyId, Limit: 1000, Marker: page.NextMarker });
  assert.deepEqual([rest.Rotations.length, rest.Truncated], [15, false]);

  const soon = await newKey(kms);
  await kms.call('EnableKeyRotation', { KeyId: soon.KeyId, RotationPeriodInDays: 90 });
  kms.clock.advance(90 * DAY - 10 * 60 * 1000);
  assert.equal((await kms.fail('RotateKeyOnDemand', { KeyId: soon.KeyId })).name, 'ConflictException');
  await kms.call('DisableKey', { KeyId: soon.KeyId });
  const disabled = await kms.fail('RotateKeyOnDemand', { KeyId: soon.KeyId });
  assert.deepEqual([disabled.name, disabled.message], ['DisabledException', `${soon.Arn} is disabled.`]);
});

test('RotateKeyOnDemand of an imported key needs material pending rotation', async () => {
  const kms = createTestKms();
  const key = await newKey(kms, { Origin: 'EXTERNAL' });
  await addImportedMaterial(kms, key.KeyId, { tag: 'a' });
  const e = await kms.fail('RotateKeyOnDemand', { KeyId: key.KeyId });
  assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `No available key material pending rotation for the key: ${key.Arn}.`]);
  await addImportedMaterial(kms, key.KeyId, { tag: 'b', state: 'PENDING_ROTATION' });
  await kms.call('RotateKeyOnDemand', { KeyId: key.KeyId });
  const m = (await kms.call('DescribeKey', { KeyId: key.KeyId })).KeyMetadata;
  assert.equal(m.CurrentKeyMaterialId, 'b'.repeat(64));
  assert.deepEqual((await materials(kms, key.KeyId)).map((x) => x.state), ['NON_CURRENT', 'CURRENT']);
});

test('imported material expires on the clock: its secret is deleted and the key waits in PendingImport', async () => {
  const kms = createTestKms();
  const key = await newKey(kms, { Origin: 'EXTERNAL' });
  await addImportedMaterial(kms, key.KeyId, { tag: 'c', validTo: START + DAY });
  let m = (await kms.call('DescribeKey', { KeyId: key.KeyId })).KeyMetadata;
  assert.deepEqual([m.KeyState, m.ExpirationModel, m.ValidTo], ['Enabled', 'KEY_MATERIAL_EXPIRES', (START + DAY) / 1000]);
  kms.clock.advance(DAY);
  m = (await kms.call('DescribeKey', { KeyId: key.KeyId })).KeyMetadata;
  assert.deepEqual([m.KeyState, m.Enabled, m.ValidTo, m.CurrentKeyMaterialId], ['PendingImport', false, undefined, undefined]);
  const [material] = await materials(kms, key.KeyId);
  assert.deepEqual([material.secret, material.import?.importState], [undefined, 'PENDING_IMPORT']);
});

test('AWS managed keys rotate every year on their own and their rotation cannot be changed', async () => {
  const kms = createTestKms();
  const managed = (await kms.call('DescribeKey', { KeyId: 'alias/aws/secretsmanager' })).KeyMetadata;
  assert.deepEqual(await kms.call('GetKeyRotationStatus', { KeyId: managed.KeyId }), {
    KeyId: managed.Arn, KeyRotationEnabled: true, RotationPeriodInDays: 365, NextRotationDate: (START + 365 * DAY) / 1000,
  });
  for (const op of ['DisableKeyRotation', 'EnableKeyRotation', 'RotateKeyOnDemand']) {
    assert.equal((await kms.fail(op, { KeyId: managed.KeyId })).name, 'UnsupportedOperationException', op);
  }
  kms.clock.advance(365 * DAY);
  const [rotation] = (await kms.call('ListKeyRotations', { KeyId: managed.KeyId })).Rotations;
  assert.deepEqual([rotation.RotationType, rotation.RotationDate], ['AUTOMATIC', (START + 365 * DAY) / 1000]);
});
