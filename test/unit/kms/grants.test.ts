import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, createTestKms, rootCaller } from './harness';

const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const BOB = `arn:aws:iam::${ACCOUNT}:role/bob`;
const alice = { ...rootCaller(), principal: ALICE };
const bob = { ...rootCaller(), principal: BOB };

async function symmetricKey(kms: ReturnType<typeof createTestKms>) {
  return (await kms.call('CreateKey', {})).KeyMetadata as { KeyId: string; Arn: string };
}

test('CreateGrant returns an ID and token, and ListGrants shows the grant as AWS does', async () => {
  const kms = createTestKms();
  const key = await symmetricKey(kms);
  const created = await kms.call('CreateGrant', {
    KeyId: key.KeyId, GranteePrincipal: ALICE, RetiringPrincipal: BOB, Operations: ['Encrypt', 'Decrypt'],
    Constraints: { EncryptionContextSubset: { tenant: 'a' } }, Name: 'app-grant',
  });
  assert.match(created.GrantId, /^[0-9a-f]{64}$/);
  assert.equal(typeof created.GrantToken, 'string');
  const { Grants, Truncated } = await kms.call('ListGrants', { KeyId: key.Arn });
  assert.equal(Truncated, false);
  assert.equal(Grants.length, 1);
  assert.deepEqual({ ...Grants[0], CreationDate: undefined }, {
    KeyId: key.Arn, GrantId: created.GrantId, Name: 'app-grant', CreationDate: undefined, GranteePrincipal: ALICE, RetiringPrincipal: BOB,
    IssuingAccount: `arn:aws:iam::${ACCOUNT}:root`, Operations: ['Encrypt', 'Decrypt'], Constraints: { EncryptionContextSubset: { tenant: 'a' } },
  });
  const filtered = await kms.call('ListGrants', { KeyId: key.KeyId, GranteePrincipal: BOB });
  assert.deepEqual(filtered.Grants, []);
});

test('a retry with the same Name and parameters returns the same grant with a new token, per key', async () => {
  const kms = createTestKms();
  const key = await symmetricKey(kms);
  const other = await symmetricKey(kms);
  const params = { GranteePrincipal: ALICE, Operations: ['Decrypt'], Name: 'retry-me' };
  const first = await kms.call('CreateGrant', { KeyId: key.KeyId, ...params });
  const again = await kms.call('CreateGrant', { KeyId: key.KeyId, ...params });
  assert.equal(again.GrantId, first.GrantId);
  assert.notEqual(again.GrantToken, first.GrantToken);
  const elsewhere = await kms.call('CreateGrant', { KeyId: other.KeyId, ...params });
  assert.notEqual(elsewhere.GrantId, first.GrantId, 'names are matched per key (LocalStack matched them across keys)');
  const changed = await kms.call('CreateGrant', { KeyId: key.KeyId, ...params, Operations: ['Encrypt'] });
  assert.notEqual(changed.GrantId, first.GrantId);
  assert.equal((await kms.call('ListGrants', { KeyId: key.KeyId })).Grants.length, 2);
});

test('grant operations must suit the key, and context constraints need operations that take a context', async () => {
  const kms = createTestKms();
  const key = await symmetricKey(kms);
  const signing = (await kms.call('CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata;
  const wrongOp = await kms.fail('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ALICE, Operations: ['Sign'] });
  assert.equal(wrongOp.name, 'ValidationError');
  const dataKeyOnAsymmetric = await kms.fail('CreateGrant', { KeyId: signing.KeyId, GranteePrincipal: ALICE, Operations: ['GenerateDataKey'] });
  assert.equal(dataKeyOnAsymmetric.name, 'ValidationError');
  await kms.call('CreateGrant', { KeyId: signing.KeyId, GranteePrincipal: ALICE, Operations: ['Sign', 'Verify', 'GetPublicKey'] });
  const constrained = await kms.fail('CreateGrant', {
    KeyId: signing.KeyId, GranteePrincipal: ALICE, Operations: ['Sign'], Constraints: { EncryptionContextEquals: { a: 'b' } },
  });
  assert.equal(constrained.name, 'ValidationException');
  assert.equal((await kms.fail('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: 'not a principal', Operations: ['Decrypt'] })).name, 'ValidationException');
  assert.equal((await kms.fail('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ALICE, Operations: ['Frobnicate'] })).name, 'ValidationException');
  assert.equal((await kms.fail('CreateGrant', { KeyId: 'alias/some-alias', GranteePrincipal: ALICE, Operations: ['Decrypt'] })).name, 'NotFoundException');
});

test('DryRun validates everything and changes nothing', async () => {
  const kms = createTestKms();
  const key = await symmetricKey(kms);
  const dry = await kms.fail('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ALICE, Operations: ['Decrypt'], DryRun: true });
  assert.equal(dry.name, 'DryRunOperationException');
  assert.equal(dry.message, 'The request would have succeeded, but the DryRun option is set.');
  assert.deepEqual((await kms.call('ListGrants', { KeyId: key.KeyId })).Grants, []);
  const { GrantId } = await kms.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ALICE, Operations: ['Decrypt'] });
  assert.equal((await kms.fail('RevokeGrant', { KeyId: key.KeyId, GrantId, DryRun: true })).name, 'DryRunOperationException');
  assert.equal((await kms.call('ListGrants', { KeyId: key.KeyId })).Grants.length, 1);
});

test('RetireGrant by token or by key and grant ID, by the retiring principal, the grantee with RetireGrant, or the issuing account', async () => {
  const kms = createTestKms();
  const key = await symmetricKey(kms);
  const byToken = await kms.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ALICE, Operations: ['Decrypt'], RetiringPrincipal: BOB });
  await kms.call('RetireGrant', { GrantToken: byToken.GrantToken }, bob);

  const grantee = await kms.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ALICE, Operations: ['Decrypt', 'RetireGrant'] });
  await kms.call('RetireGrant', { KeyId: key.Arn, GrantId: grantee.GrantId }, alice);

  const byAccount = await kms.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ALICE, Operations: ['Decrypt'] });
  await kms.call('RetireGrant', { KeyId: key.Arn, GrantId: byAccount.GrantId }, rootCaller());
  assert.deepEqual((await kms.call('ListGrants', { KeyId: key.KeyId })).Grants, []);

  assert.equal((await kms.fail('RetireGrant', { GrantToken: 'not-a-token' })).name, 'InvalidGrantTokenException');
  assert.equal((await kms.fail('RetireGrant', { GrantToken: byToken.GrantToken })).name, 'NotFoundException');
  assert.equal((await kms.fail('RetireGrant', { KeyId: key.Arn, GrantId: 'nope' })).name, 'InvalidGrantIdException');
  assert.equal((await kms.fail('RetireGrant', {})).name, 'ValidationException');
});

test('RevokeGrant removes a grant; an unknown grant is NotFound', async () => {
  const kms = createTestKms();
  const key = await symmetricKey(kms);
  const { GrantId } = await kms.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ALICE, Operations: ['Encrypt'] });
  await kms.call('RevokeGrant', { KeyId: key.KeyId, GrantId });
  assert.equal((await kms.fail('RevokeGrant', { KeyId: key.KeyId, GrantId })).name, 'NotFoundException');
});

test('ListRetirableGrants finds grants across keys, accounts and Regions, with pagination', async () => {
  const kms = createTestKms();
  const a = await symmetricKey(kms);
  const otherCaller = rootCaller('210987654321', 'eu-west-1');
  const b = (await kms.call('CreateKey', {}, otherCaller)).KeyMetadata;
  await kms.call('CreateGrant', { KeyId: a.KeyId, GranteePrincipal: ALICE, RetiringPrincipal: BOB, Operations: ['Decrypt'] });
  await kms.call('CreateGrant', { KeyId: a.KeyId, GranteePrincipal: ALICE, RetiringPrincipal: ALICE, Operations: ['Decrypt'] });
  await kms.call('CreateGrant', { KeyId: b.KeyId, GranteePrincipal: ALICE, RetiringPrincipal: BOB, Operations: ['Encrypt'] }, otherCaller);
  const first = await kms.call('ListRetirableGrants', { RetiringPrincipal: BOB, Limit: 1 });
  assert.equal(first.Grants.length, 1);
  assert.equal(first.Truncated, true);
  const second = await kms.call('ListRetirableGrants', { RetiringPrincipal: BOB, Limit: 1, Marker: first.NextMarker });
  assert.equal(second.Truncated, false);
  assert.deepEqual([first.Grants[0].KeyId, second.Grants[0].KeyId].sort(), [a.Arn, b.Arn].sort());
});
