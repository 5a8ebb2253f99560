import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, b64, createTestKms, rootCaller, text } from './harness';

const DAY = 24 * 60 * 60 * 1000;

test('ciphertexts made before automatic and on-demand rotations still decrypt; new ones use the new material', async () => {
  const kms = createTestKms();
  const { KeyMetadata: key } = await kms.call('CreateKey', {});
  await kms.call('EnableKeyRotation', { KeyId: key.KeyId, RotationPeriodInDays: 90 });
  const blobs: string[] = [];
  for (let i = 0; i < 3; i++) {
    blobs.push((await kms.call('Encrypt', { KeyId: key.KeyId, Plaintext: b64(`generation ${i}`) })).CiphertextBlob);
    if (i === 0) kms.clock.advance(90 * DAY);
    else await kms.call('RotateKeyOnDemand', { KeyId: key.KeyId });
  }
  const rotations = (await kms.call('ListKeyRotations', { KeyId: key.KeyId })).Rotations;
  assert.deepEqual(rotations.map((r: { RotationType: string }) => r.RotationType), ['AUTOMATIC', 'ON_DEMAND', 'ON_DEMAND']);
  for (const [i, blob] of blobs.entries()) {
    assert.equal(text((await kms.call('Decrypt', { CiphertextBlob: blob })).Plaintext), `generation ${i}`);
  }
});

test('a ciphertext made under a multi-Region key decrypts with its replica in another Region', async () => {
  const kms = createTestKms();
  const west = rootCaller(ACCOUNT, 'us-west-2');
  const { KeyMetadata: key } = await kms.call('CreateKey', { MultiRegion: true });
  const before = (await kms.call('Encrypt', { KeyId: key.KeyId, Plaintext: b64('made in us-east-1') })).CiphertextBlob;
  await kms.call('ReplicateKey', { KeyId: key.KeyId, ReplicaRegion: 'us-west-2' });
  kms.clock.advance(1000);
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob: before }, west)).Plaintext), 'made in us-east-1');
  await kms.call('RotateKeyOnDemand', { KeyId: key.KeyId });
  const after = (await kms.call('Encrypt', { KeyId: key.KeyId, Plaintext: b64('after rotation') }, west)).CiphertextBlob;
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob: after })).Plaintext), 'after rotation');
  await kms.call('DisableKey', { KeyId: key.KeyId }, west);
  const e = await kms.fail('Decrypt', { CiphertextBlob: after }, west);
  assert.equal(e.name, 'DisabledException');
  assert.equal(text((await kms.call('Decrypt', { CiphertextBlob: after })).Plaintext), 'after rotation');
});

test('Encrypt with alias/aws/<service> creates the AWS managed key on first use', async () => {
  const kms = createTestKms();
  const out = await kms.call('Encrypt', { KeyId: 'alias/aws/ssm', Plaintext: b64('x') });
  const managed = (await kms.call('DescribeKey', { KeyId: 'alias/aws/ssm' })).KeyMetadata;
  assert.equal(out.KeyId, managed.Arn);
  assert.equal(managed.KeyManager, 'AWS');
});
