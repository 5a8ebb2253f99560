import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, createTestKms } from './harness';

const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

async function symmetricKey(kms: ReturnType<typeof createTestKms>) {
  return (await kms.call('CreateKey', {})).KeyMetadata as { KeyId: string; Arn: string };
}

test('a disabled key refuses new grants, and grants survive in every state for listing', async () => {
  const kms = createTestKms();
  const key = await symmetricKey(kms);
  await kms.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ALICE, Operations: ['Encrypt'] });
  await kms.call('DisableKey', { KeyId: key.KeyId });
  assert.equal((await kms.fail('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ALICE, Operations: ['Decrypt'] })).name, 'DisabledException');
  assert.equal((await kms.call('ListGrants', { KeyId: key.KeyId })).Grants.length, 1);
});
